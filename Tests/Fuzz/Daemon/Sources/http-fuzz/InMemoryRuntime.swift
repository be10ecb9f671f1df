import FailoverCore
import Synchronization

/// A cloud runtime that never fails and acts at once, so that every failure the fuzzer sees
/// comes from the HTTP path, not from Docker.
final class InMemoryRuntime: CloudRuntime, Sendable {
    private let actual = Mutex(ActualState.missing)

    var runtimeName: String { "memory" }

    func observe() async throws(RuntimeFailure) -> RuntimeSnapshot { snapshot(actual.withLock { $0 }) }

    func prepare() async throws(RuntimeFailure) -> RuntimeSnapshot {
        snapshot(
            actual.withLock { state in
                if state == .missing { state = .stopped }
                return state
            }
        )
    }

    func fetchImage() async throws(RuntimeFailure) -> String { "in memory" }

    func start() async throws(RuntimeFailure) -> RuntimeSnapshot { snapshot(set(.running)) }

    func stop() async throws(RuntimeFailure) -> RuntimeSnapshot { snapshot(set(.stopped)) }

    /// Nothing changes behind failoverd's back here: the feed stays quiet until cancelled.
    func watch(
        onSubscribed: @escaping @Sendable () async -> Void,
        onChange: @escaping @Sendable () async -> Void
    ) async throws(RuntimeFailure) {
        await onSubscribed()
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
    }

    private func set(_ state: ActualState) -> ActualState {
        actual.withLock { $0 = state }
        return state
    }

    private func snapshot(_ state: ActualState) -> RuntimeSnapshot {
        RuntimeSnapshot(id: state == .missing ? nil : "memory", actual: state, status: state == .running ? "running" : "created")
    }
}
