import Synchronization

/// Whether the process still wants new traffic.
///
/// Flipped once, by `DrainService`, when graceful shutdown starts; `/health` reads it on every
/// probe, so an atomic is enough and no request ever waits on a lock for it.
public final class ServingState: Sendable {
    private let draining = Atomic<Bool>(false)

    /// A state that is serving.
    public init() {}

    /// True once shutdown has begun.
    public var isDraining: Bool { draining.load(ordering: .acquiring) }

    /// Marks the process as shutting down; `/health` answers 503 from now on.
    public func beginDraining() { draining.store(true, ordering: .releasing) }
}
