import FailoverCore
import FailoverDaemon
import Synchronization

/// An in-memory cloud runtime that counts actions and can be told to fail, to be slow, or to
/// hold a start until the test releases it.
final class FakeCloudRuntime: CloudRuntime, Sendable {
    struct Recorded: Sendable {
        var actual: ActualState = .missing
        var starts = 0
        var failedStarts = 0
        var stops = 0
        var failure: RuntimeFailure?
        /// Thrown by `start` alone: the engine answers, the copy does not come up.
        var startFailure: RuntimeFailure?
        var startDelay: Duration = .zero
        var startGate: CheckedContinuation<Void, Never>?
        var holdStarts = false
        var observes = 0
        var prepares = 0
        /// Thrown by `prepare` alone: the standby cannot be made (its image is not on the host).
        var prepareFailure: RuntimeFailure?
        /// The manager snapshots name as answering, as a swarm runtime with several does.
        var answeredBy: String?
        var feed: AsyncStream<Void>.Continuation?
    }

    let recorded = Mutex(Recorded())

    var runtimeName: String { "Docker" }
    var starts: Int { recorded.withLock { $0.starts } }
    var failedStarts: Int { recorded.withLock { $0.failedStarts } }
    var stops: Int { recorded.withLock { $0.stops } }
    var actual: ActualState { recorded.withLock { $0.actual } }
    /// Every call that asks the runtime anything: observes, starts and stops.
    var calls: Int { recorded.withLock { $0.observes + $0.starts + $0.stops } }
    var observes: Int { recorded.withLock { $0.observes } }
    var prepares: Int { recorded.withLock { $0.prepares } }

    func set(_ change: (inout Recorded) -> Void) { recorded.withLock { change(&$0) } }

    /// Lets a start held by `holdStarts` finish, and later starts run freely.
    func releaseStarts() {
        recorded.withLock { state -> CheckedContinuation<Void, Never>? in
            state.holdStarts = false
            return state.startGate.take()
        }?.resume()
    }

    private func check() throws(RuntimeFailure) -> Recorded {
        let current = recorded.withLock { $0 }
        if let failure = current.failure { throw failure }
        return current
    }

    private func snapshot(_ actual: ActualState) -> RuntimeSnapshot {
        var snapshot = RuntimeSnapshot(
            id: actual == .missing ? nil : "fake-id",
            actual: actual,
            status: actual == .running ? "running" : actual == .missing ? "missing" : "created"
        )
        snapshot.answeredBy = recorded.withLock { $0.answeredBy }
        return snapshot
    }

    func observe() async throws(RuntimeFailure) -> RuntimeSnapshot {
        let current = try check()
        recorded.withLock { $0.observes += 1 }
        return snapshot(current.actual)
    }

    func prepare() async throws(RuntimeFailure) -> RuntimeSnapshot {
        let current = try check()
        recorded.withLock { $0.prepares += 1 }
        if let failure = current.prepareFailure { throw failure }
        let actual = recorded.withLock { state in
            if state.actual == .missing || state.actual == .outdated { state.actual = .stopped }
            return state.actual
        }
        return snapshot(actual)
    }

    func fetchImage() async throws(RuntimeFailure) -> String {
        _ = try check()
        return "on the host"
    }

    func start() async throws(RuntimeFailure) -> RuntimeSnapshot {
        let current = try check()
        if let failure = current.startFailure {
            recorded.withLock { $0.failedStarts += 1 }
            throw failure
        }
        if current.startDelay > .zero { try? await Task.sleep(for: current.startDelay) }
        if current.holdStarts {
            await withCheckedContinuation { continuation in
                let held = recorded.withLock { state -> Bool in
                    guard state.holdStarts else { return false }
                    state.startGate = continuation
                    return true
                }
                if !held { continuation.resume() }
            }
        }
        recorded.withLock {
            $0.starts += 1
            $0.actual = .running
        }
        return snapshot(.running)
    }

    /// A change feed the test drives with `emitChange()` and `endFeed()`.
    func watch(
        onSubscribed: @escaping @Sendable () async -> Void,
        onChange: @escaping @Sendable () async -> Void
    ) async throws(RuntimeFailure) {
        _ = try check()
        let (changes, feed) = AsyncStream<Void>.makeStream()
        recorded.withLock { $0.feed = feed }
        await onSubscribed()
        for await _ in changes { await onChange() }
    }

    /// Tells the watcher the target changed, as Docker's `die` event does.
    func emitChange() {
        _ = recorded.withLock { $0.feed }?.yield()
    }

    /// Ends the feed, as dockerd closing the event stream does.
    func endFeed() {
        recorded.withLock { $0.feed.take() }?.finish()
    }

    func stop() async throws(RuntimeFailure) -> RuntimeSnapshot {
        _ = try check()
        recorded.withLock {
            $0.stops += 1
            $0.actual = .stopped
        }
        return snapshot(.stopped)
    }
}

extension RuntimeFailure {
    static let exitedWhileStarting = RuntimeFailure(
        kind: .refused,
        detail: "docker wait for ready: container exited with exit code 1 while starting"
    )

    static let dockerDown = RuntimeFailure(
        kind: .unreachable,
        detail: "docker GET /containers/{id}/json: unreachable: cannot reach dockerd at /var/run/docker.sock: connection refused"
    )
}
