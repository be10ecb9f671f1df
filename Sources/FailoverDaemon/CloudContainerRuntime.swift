import DockerEngine
import FailoverCore

/// What failoverd knows about the cloud container after one look.
public struct ContainerSnapshot: Sendable, Equatable {
    /// Docker's id, nil when the container does not exist.
    public var id: String?
    /// Running, stopped or missing, as the engine sees it.
    public var actual: ActualState
    /// Docker's status word (created, running, exited, ...) or "missing".
    public var status: String
    /// Health when the image has a HEALTHCHECK.
    public var health: String?

    /// Creates a snapshot.
    public init(id: String?, actual: ActualState, status: String, health: String? = nil) {
        self.id = id
        self.actual = actual
        self.status = status
        self.health = health
    }
}

/// The seam between the controller and the container engine; Docker in production, a fake in
/// the controller's and HTTP tests.
public protocol CloudContainerRuntime: Sendable {
    /// Looks at the container without changing anything.
    func observe() async throws(DockerError) -> ContainerSnapshot
    /// Makes sure the container exists (created, not started), so a failover is one `start`.
    func prepare() async throws(DockerError) -> ContainerSnapshot
    /// Starts it and waits until it runs (and is healthy, when it has a health check).
    func start() async throws(DockerError) -> ContainerSnapshot
    /// Stops it gracefully.
    func stop() async throws(DockerError) -> ContainerSnapshot
}
