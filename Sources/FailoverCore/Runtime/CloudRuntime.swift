/// The port between failoverd's controller and whatever runs the cloud copy.
///
/// Docker containers implement it today; a Swarm service, a Kubernetes Deployment or an ECS
/// service would implement the same four calls. Every call speaks `RuntimeFailure`, so the
/// controller decides on failures without knowing which runtime produced them.
public protocol CloudRuntime: Sendable {
    /// The runtime's name as operators know it ("Docker"); used in replies and status lines.
    var runtimeName: String { get }
    /// Looks at the target without changing anything.
    func observe() async throws(RuntimeFailure) -> RuntimeSnapshot
    /// Makes sure the target exists, made from the current spec, but does not run, so a
    /// failover is a single `start`. Uses what is on the host only (no registry).
    func prepare() async throws(RuntimeFailure) -> RuntimeSnapshot
    /// Brings the image onto the host as the configuration says (a registry pull when it is
    /// missing, or at every daemon start for a tag that may move). Never called on the failover
    /// path: a failover must not wait on a registry. Returns a one-line account for the log.
    func fetchImage() async throws(RuntimeFailure) -> String
    /// Starts it and waits until it runs (and is healthy, where the runtime knows health).
    func start() async throws(RuntimeFailure) -> RuntimeSnapshot
    /// Stops it gracefully.
    func stop() async throws(RuntimeFailure) -> RuntimeSnapshot
    /// Follows the runtime's change feed for the target: calls `onSubscribed` once the feed is
    /// live, then `onChange` whenever the target may have changed (it died, started, vanished),
    /// until the feed ends (returns) or fails (throws). Cancelling the task ends it.
    func watch(
        onSubscribed: @escaping @Sendable () async -> Void,
        onChange: @escaping @Sendable () async -> Void
    ) async throws(RuntimeFailure)
}

/// What the runtime reports about the cloud copy after one look.
public struct RuntimeSnapshot: Sendable, Equatable {
    /// The runtime's id for the target, nil when it does not exist.
    public var id: String?
    /// Running, stopped or missing, as the decision engine needs it.
    public var actual: ActualState
    /// The runtime's own status word (created, running, exited, ...) or "missing".
    public var status: String
    /// Health, when the runtime checks it.
    public var health: String?
    /// The endpoint that answered (a swarm manager's socket), when the runtime has several.
    public var answeredBy: String?
    /// What the copy is made from.
    public var image: RuntimeImage?
    /// Whether a running copy was made from an older spec: it keeps serving, and is made again
    /// from the current one at its next stop.
    public var pendingSpecChange = false

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

/// The image a copy is made from: as configured, and as the runtime resolved it.
public struct RuntimeImage: Sendable, Equatable {
    /// The reference as configured (`registry/app:1.4`).
    public var reference: String
    /// The registry digest it was pulled as (`registry/app@sha256:…`), else the runtime's image id.
    public var digest: String

    /// Creates an image.
    public init(reference: String, digest: String) {
        self.reference = reference
        self.digest = digest
    }
}
