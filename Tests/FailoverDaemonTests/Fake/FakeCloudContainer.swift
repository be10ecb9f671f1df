import DockerEngine
import FailoverCore
import FailoverDaemon
import Synchronization

/// An in-memory cloud container that counts actions and can be told to fail or to be slow.
final class FakeCloudContainer: CloudContainerRuntime, Sendable {
    struct Recorded: Sendable {
        var actual: ActualState = .missing
        var starts = 0
        var stops = 0
        var failure: DockerError?
        var startDelay: Duration = .zero
    }

    let recorded = Mutex(Recorded())

    var starts: Int { recorded.withLock { $0.starts } }
    var stops: Int { recorded.withLock { $0.stops } }
    var actual: ActualState { recorded.withLock { $0.actual } }

    func set(_ change: (inout Recorded) -> Void) { recorded.withLock { change(&$0) } }

    private func check() throws(DockerError) -> Recorded {
        let current = recorded.withLock { $0 }
        if let failure = current.failure { throw failure }
        return current
    }

    private func snapshot(_ actual: ActualState) -> ContainerSnapshot {
        ContainerSnapshot(id: actual == .missing ? nil : "fake-id", actual: actual, status: actual == .running ? "running" : actual == .missing ? "missing" : "created")
    }

    func observe() async throws(DockerError) -> ContainerSnapshot {
        snapshot(try check().actual)
    }

    func prepare() async throws(DockerError) -> ContainerSnapshot {
        _ = try check()
        let actual = recorded.withLock { state in
            if state.actual == .missing { state.actual = .stopped }
            return state.actual
        }
        return snapshot(actual)
    }

    func start() async throws(DockerError) -> ContainerSnapshot {
        let delay = try check().startDelay
        if delay > .zero { try? await Task.sleep(for: delay) }
        recorded.withLock { $0.starts += 1; $0.actual = .running }
        return snapshot(.running)
    }

    func stop() async throws(DockerError) -> ContainerSnapshot {
        _ = try check()
        recorded.withLock { $0.stops += 1; $0.actual = .stopped }
        return snapshot(.stopped)
    }
}

extension DockerError {
    static let dockerDown = DockerError(kind: .unreachable, call: "GET /containers/{id}/json", message: "cannot reach dockerd at /var/run/docker.sock: connection refused")
}
