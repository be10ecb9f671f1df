import AsyncHTTPClient
import DockerEngine
import FailoverCore
import Logging

/// The runtime a failoverd configuration names: its target kind, on its Docker socket. The
/// switch is exhaustive: a new `CloudTarget` does not build until it has a runtime here.
public func makeCloudRuntime(configuration: FailoverdConfiguration, http: HTTPClient, logger: Logger) -> any CloudRuntime {
    switch configuration.target {
    case .swarm:
        DockerSwarmService(
            spec: SwarmServiceSpec(container: configuration.container, replicas: configuration.swarmReplicas),
            http: http,
            socketPath: configuration.dockerSocket,
            readyTimeout: configuration.readyTimeout,
            logger: logger
        )
    case .container:
        DockerCloudContainer(
            spec: configuration.container,
            http: http,
            socketPath: configuration.dockerSocket,
            readyTimeout: configuration.readyTimeout,
            logger: logger
        )
    }
}
