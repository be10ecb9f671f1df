import FailoverCore
import FoundationEssentials
import ServiceSupport

/// The runtime's answers and actions as the controller records them: the engine, the crash-loop
/// guard, the journal and what status shows.
extension FailoverController {
    /// Runs one action, records it in the engine, the journal and the metrics.
    func act(_ action: RuntimeAction) async throws(RuntimeFailure) {
        do {
            let result = try await timed(RuntimeOperation(action)) { () async throws(RuntimeFailure) in
                switch action {
                case .start: try await self.runtime.start()
                case .stop: try await self.runtime.stop()
                }
            }
            let finishedAt = now()
            switch action {
            case .start:
                engine.recordStart(at: finishedAt)
                crashLoop.started(at: clock.monotonicNow(), wall: finishedAt)
                // Judged again once it should have settled, so a crash loop that ended is seen
                // to end without waiting for an event or the reconcile pass.
                if crashLoop.quickExits > 0 { wake(.crashLoop, after: CrashLoopGuard.settleTime) }
            case .stop:
                engine.recordStop(at: finishedAt)
                crashLoop.stopped()
            }
            // After the engine recorded it, so what is published includes the new phase.
            recordSuccess(result)
            consecutiveFailures = 0
            observations.lastAction = .init(
                at: RFC3339.format(now()),
                what: "\(action.rawValue) \(result.id.map { String($0.prefix(12)) } ?? "")"
            )
            journal.acted(action, result: result, reason: engine.state.reason)
            _ = persist()
        } catch {
            journal.actionFailed(action)
            observations.lastAction = .init(at: RFC3339.format(now()), what: "\(action.rawValue) failed")
            // The engine answered and the copy did not come up: it cannot start, retrying at
            // once would fail the same way.
            if action == .start && !error.runtimeIsDown {
                noteCrashLoop(crashLoop.startFailed(at: clock.monotonicNow()))
            }
            throw error
        }
    }

    /// Judges the last start by what the runtime now shows (`CrashLoopGuard.observed`).
    func judgeLastStart(_ actual: ActualState) {
        let judged = crashLoop.observed(actual, wantedRunning: engine.desired(at: now()) == .running, at: clock.monotonicNow())
        if let verdict = judged.verdict {
            noteCrashLoop(verdict)
        } else if judged.changed {
            publish()
        }
    }

    private func noteCrashLoop(_ verdict: CrashLoopGuard.Verdict) {
        if case .quickExit(_, let startRecordedAt?) = verdict { engine.retractStart(recordedAt: startRecordedAt) }
        journal.crashLoop(verdict, quickExits: crashLoop.quickExits)
        publish()
    }

    func timed(
        _ operation: RuntimeOperation,
        _ body: @Sendable () async throws(RuntimeFailure) -> RuntimeSnapshot
    ) async throws(RuntimeFailure) -> RuntimeSnapshot {
        let started = clock.monotonicNow()
        defer { journal.timed(operation, elapsed: clock.monotonicNow() - started) }
        return try await body()
    }

    func recordSuccess(_ observed: RuntimeSnapshot) {
        if !observations.runtimeUp { journal.runtimeReachable(runtime.runtimeName) }
        observations.runtimeUp = true
        observations.snapshot = observed
        publish()
    }

    func recordFailure(_ failure: RuntimeFailure, during phase: ConvergencePhase) {
        observations.runtimeUp = !failure.runtimeIsDown
        observations.lastError = .init(at: RFC3339.format(now()), what: failure.description)
        journal.runtimeFailed(failure, during: phase)
        publish()
    }
}
