/// The port between failoverd's controller and whatever runs the cloud copy.
///
/// Docker containers implement it today; a Swarm service, a Kubernetes Deployment or an ECS
/// service would implement the same four calls. Every call speaks `RuntimeFailure`, so the
/// controller decides on failures without knowing which engine produced them.
public protocol CloudRuntime: Sendable {
    /// The engine's name as operators know it ("Docker"); used in replies and status lines.
    var engineName: String { get }
    /// Looks at the target without changing anything.
    func observe() async throws(RuntimeFailure) -> RuntimeSnapshot
    /// Makes sure the target exists but does not run, so a failover is a single `start`.
    func prepare() async throws(RuntimeFailure) -> RuntimeSnapshot
    /// Starts it and waits until it runs (and is healthy, where the engine knows health).
    func start() async throws(RuntimeFailure) -> RuntimeSnapshot
    /// Stops it gracefully.
    func stop() async throws(RuntimeFailure) -> RuntimeSnapshot
    /// Follows the engine's change feed for the target: calls `onSubscribed` once the feed is
    /// live, then `onChange` whenever the target may have changed (it died, started, vanished),
    /// until the feed ends (returns) or fails (throws). Cancelling the task ends it.
    func watch(
        onSubscribed: @escaping @Sendable () async -> Void,
        onChange: @escaping @Sendable () async -> Void
    ) async throws(RuntimeFailure)
}

/// What the runtime reports about the cloud copy after one look.
public struct RuntimeSnapshot: Sendable, Equatable {
    /// The engine's id for the target, nil when it does not exist.
    public var id: String?
    /// Running, stopped or missing, as the decision engine needs it.
    public var actual: ActualState
    /// The engine's own status word (created, running, exited, ...) or "missing".
    public var status: String
    /// Health, when the engine checks it.
    public var health: String?
    /// The endpoint that answered (a swarm manager's socket), when the runtime has several.
    public var answeredBy: String?

    /// Creates a snapshot.
    public init(id: String?, actual: ActualState, status: String, health: String? = nil) {
        self.id = id
        self.actual = actual
        self.status = status
        self.health = health
    }

    /// The snapshot of a target that does not exist.
    public static let missing = RuntimeSnapshot(id: nil, actual: .missing, status: "missing")
}
