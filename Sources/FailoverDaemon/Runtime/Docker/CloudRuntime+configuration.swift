import AsyncHTTPClient
import DockerEngine
import FailoverCore
import Logging

/// The runtime a failoverd configuration names: its target kind, on its Docker socket.
public func makeCloudRuntime(configuration: FailoverdConfiguration, http: HTTPClient, logger: Logger) -> any CloudRuntime {
    switch configuration.target {
    case "swarm":
        DockerSwarmService(
            spec: SwarmServiceSpec(container: configuration.container, replicas: configuration.swarmReplicas),
            http: http,
            socketPath: configuration.dockerSocket,
            readyTimeout: configuration.readyTimeout,
            logger: logger
        )
    default:
        DockerCloudContainer(
            spec: configuration.container,
            http: http,
            socketPath: configuration.dockerSocket,
            readyTimeout: configuration.readyTimeout,
            logger: logger
        )
    }
}
