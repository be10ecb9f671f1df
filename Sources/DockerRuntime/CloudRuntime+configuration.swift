import AsyncHTTPClient
import DockerEngine
import FailoverCore
import FailoverDaemon
import Logging
import RuntimeSpec

/// The runtime a service's settings name: its target kind, on the daemon's Docker socket. The
/// switch is exhaustive: a new `CloudTarget` does not build until it has a runtime here.
public func makeCloudRuntime(service: ServiceSettings, dockerSocket: String, http: HTTPClient, logger: Logger) -> any CloudRuntime {
    switch service.target {
    case .swarm:
        DockerSwarmService(
            spec: SwarmServiceSpec(container: service.container, replicas: service.swarmReplicas),
            image: service.imagePull,
            http: http,
            sockets: service.swarmManagerSockets(first: dockerSocket),
            readyTimeout: service.readyTimeout,
            logger: logger
        )
    case .container:
        DockerCloudContainer(
            spec: service.container,
            image: service.imagePull,
            http: http,
            socketPath: dockerSocket,
            readyTimeout: service.readyTimeout,
            logger: logger
        )
    }
}
