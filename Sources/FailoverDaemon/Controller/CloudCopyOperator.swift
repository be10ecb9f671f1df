import FailoverCore
import FoundationEssentials
import ServiceSupport

/// What a convergence pass asks of the decisions it serves and tells them back. The controller
/// is one: the pass runs on its executor (an `isolated` parameter), so asking takes no hop.
protocol CloudCopyDecisions: Actor {
    /// The one action that moves `actual` toward what is wanted now.
    func plan(for actual: ActualState) -> PlannedAction
    /// Whether the copy is wanted running now.
    var wantsRunning: Bool { get }
    /// Why the copy is wanted as it is, for the journal.
    var reason: String { get }
    /// Records a start that finished: the episode's copy runs from then.
    func recordStart(at finishedAt: Date)
    /// Records a stop that finished: the episode ends, and the stop budget counts it.
    func recordStop(at finishedAt: Date)
    /// Takes back a start whose copy exited at once: the episode is not running until one holds.
    func retractStart(recordedAt: Date)
    /// Saves what was recorded; false when the disk refused it.
    @discardableResult func persist() -> Bool
    /// Asks for a pass after `delay` for `reason`; nil withdraws that reason's wake-up.
    func wake(_ reason: ConvergenceWakeReason, after delay: Duration?)
    /// Asks for a pass at `date`, when a decision falls due (a hold-down's or a stop-budget
    /// wait's end); nil withdraws it.
    func wake(at date: Date?)
    /// Something that status shows changed.
    func publish()
}

/// Brings the cloud copy to what the decisions want, one runtime call at a time, and keeps what
/// the runtime showed: the observations status reports, the crash-loop guard, and the failures
/// in a row the reconcile loop backs off on.
///
/// Not `Sendable`: its owner, the controller, calls it on its own executor only.
final class CloudCopyOperator {
    let runtime: any CloudRuntime
    private let journal: DecisionJournal
    private let clock: any DaemonClock
    /// What the runtime showed last, and the last action and error, for status.
    var observations = RuntimeObservations()
    /// Spaces the restarts of a copy that keeps exiting right after it was started.
    private(set) var crashLoop: CrashLoopGuard
    /// Consecutive failed passes.
    private(set) var consecutiveFailures = 0

    init(runtime: any CloudRuntime, journal: DecisionJournal, clock: any DaemonClock, maximumRestartDelay: Duration) {
        self.runtime = runtime
        self.journal = journal
        self.clock = clock
        self.crashLoop = CrashLoopGuard(maximumDelay: maximumRestartDelay)
    }

    /// At startup: makes the standby, so a failover is a single `start` (observe-only mode makes
    /// none: it looks). Returns what the runtime showed; nil when it failed.
    func startUp(observeOnly: Bool, for decisions: isolated some CloudCopyDecisions) async -> RuntimeSnapshot? {
        do {
            let snapshot = try await timed(observeOnly ? .observe : .prepare) { () async throws(RuntimeFailure) in
                if observeOnly { try await self.runtime.observe() } else { try await self.runtime.prepare() }
            }
            recordSuccess(snapshot, for: decisions)
            return snapshot
        } catch {
            recordFailure(error, during: .prepare, for: decisions)
            return nil
        }
    }

    /// The outcome a pass would have, when the last observation says no action is due. Not
    /// while the runtime is unreachable: what it said last may no longer hold (a restarted
    /// dockerd has stopped its containers).
    func outcomeWithoutRuntimeCall(for decisions: isolated some CloudCopyDecisions) -> ConvergenceOutcome? {
        guard observations.runtimeUp, let actual = observations.snapshot?.actual else { return nil }
        return ConvergenceOutcome(withoutRuntimeCall: plan(for: actual, decisions))
    }

    /// Stops saying an action is withheld: the decisions act again.
    func stopWithholding() { observations.withheld = nil }

    /// One pass: observes, asks the decisions for the one action that moves actual toward
    /// desired, runs it.
    func converge(for decisions: isolated some CloudCopyDecisions) async -> ConvergenceOutcome {
        do {
            let observed = try await timed(.observe) { () async throws(RuntimeFailure) in try await self.runtime.observe() }
            judgeLastStart(observed.actual, decisions)
            recordSuccess(observed, for: decisions)
            let plan = plan(for: observed.actual, decisions)
            if case .waitForStopBudget = plan {} else { observations.stopDeferredUntil = nil }
            switch plan {
            case .nothing:
                consecutiveFailures = 0
                return .inSync
            case .paused:
                return .paused
            case .withheld(let action):
                consecutiveFailures = 0
                return .withheld(action)
            case .waitForStopBudget(let until):
                // Said once per deferral, not at every pass that finds it still deferred.
                if observations.stopDeferredUntil != until {
                    observations.stopDeferredUntil = until
                    journal.stopDeferred(until: until)
                    decisions.publish()
                }
                decisions.wake(at: until)
                return .deferred(until: until)
            case .prepare:
                return await prepareStandby(decisions)
            case .start:
                if let wait = crashLoop.remainingWait(at: clock.monotonicNow()) {
                    decisions.wake(.crashLoop, after: wait)
                    return .backingOff(until: clock.now().addingTimeInterval(wait.inSeconds))
                }
                try await act(.start, decisions)
                return .acted(.start)
            case .stop:
                try await act(.stop, decisions)
                return .acted(.stop)
            }
        } catch {
            consecutiveFailures += 1
            recordFailure(error, during: .converge, for: decisions)
            return .failed(error)
        }
    }

    /// The decisions' plan for `actual`; what observe-only mode holds back is noted (since when,
    /// in the journal, status and metrics) as it changes.
    private func plan(for actual: ActualState, _ decisions: isolated some CloudCopyDecisions) -> PlannedAction {
        let plan = decisions.plan(for: actual)
        let withheld: WithheldAction? =
            if case .withheld(let action) = plan { action } else { nil }
        if withheld != observations.withheld?.action {
            journal.withheldChanged(to: withheld, from: observations.withheld?.action, reason: decisions.reason)
            observations.withheld = withheld.map { ($0, clock.now()) }
            decisions.publish()
        }
        return plan
    }

    /// Makes the standby again (it was missing, or made from an older spec or image). A failure
    /// leaves the copy stopped as wanted, so it is not a failed pass a webhook's sender could fix
    /// by retrying; the reconcile loop tries again, backing off.
    private func prepareStandby(_ decisions: isolated some CloudCopyDecisions) async -> ConvergenceOutcome {
        do {
            let prepared = try await timed(.prepare) { () async throws(RuntimeFailure) in try await self.runtime.prepare() }
            recordSuccess(prepared, for: decisions)
            journal.prepared(prepared)
            consecutiveFailures = 0
            return .inSync
        } catch {
            consecutiveFailures += 1
            recordFailure(error, during: .prepare, for: decisions)
            return .standbyNotReady(error)
        }
    }

    /// Runs one action and records it with the decisions, the journal and the metrics.
    private func act(_ action: RuntimeAction, _ decisions: isolated some CloudCopyDecisions) async throws(RuntimeFailure) {
        do {
            let result = try await timed(RuntimeOperation(action)) { () async throws(RuntimeFailure) in
                switch action {
                case .start: try await self.runtime.start()
                case .stop: try await self.runtime.stop()
                }
            }
            let finishedAt = clock.now()
            switch action {
            case .start:
                decisions.recordStart(at: finishedAt)
                crashLoop.started(at: clock.monotonicNow(), wall: finishedAt)
                // Judged again once it should have settled, so a crash loop that ended is seen
                // to end without waiting for an event or the reconcile pass.
                if crashLoop.quickExits > 0 { decisions.wake(.crashLoop, after: CrashLoopGuard.settleTime) }
            case .stop:
                decisions.recordStop(at: finishedAt)
                crashLoop.stopped()
            }
            // After the decisions recorded it, so what is published includes the new phase.
            recordSuccess(result, for: decisions)
            consecutiveFailures = 0
            observations.lastAction = .init(
                at: RFC3339.format(clock.now()),
                what: "\(action.rawValue) \(result.id.map { String($0.prefix(12)) } ?? "")"
            )
            journal.acted(action, result: result, reason: decisions.reason)
            decisions.persist()
        } catch {
            journal.actionFailed(action)
            observations.lastAction = .init(at: RFC3339.format(clock.now()), what: "\(action.rawValue) failed")
            // The runtime answered and the copy did not come up: it cannot start, retrying at
            // once would fail the same way.
            if action == .start && !error.runtimeIsDown {
                noteCrashLoop(crashLoop.startFailed(at: clock.monotonicNow()), decisions)
            }
            throw error
        }
    }

    /// Judges the last start by what the runtime now shows (`CrashLoopGuard.observed`).
    private func judgeLastStart(_ actual: ActualState, _ decisions: isolated some CloudCopyDecisions) {
        let judged = crashLoop.observed(actual, wantedRunning: decisions.wantsRunning, at: clock.monotonicNow())
        if let verdict = judged.verdict {
            noteCrashLoop(verdict, decisions)
        } else if judged.changed {
            decisions.publish()
        }
    }

    private func noteCrashLoop(_ verdict: CrashLoopGuard.Verdict, _ decisions: isolated some CloudCopyDecisions) {
        if case .quickExit(_, let startRecordedAt?) = verdict { decisions.retractStart(recordedAt: startRecordedAt) }
        journal.crashLoop(verdict, quickExits: crashLoop.quickExits)
        decisions.publish()
    }

    private nonisolated(nonsending) func timed(
        _ operation: RuntimeOperation,
        _ body: () async throws(RuntimeFailure) -> RuntimeSnapshot
    ) async throws(RuntimeFailure) -> RuntimeSnapshot {
        let started = clock.monotonicNow()
        defer { journal.timed(operation, elapsed: clock.monotonicNow() - started) }
        return try await body()
    }

    private func recordSuccess(_ observed: RuntimeSnapshot, for decisions: isolated some CloudCopyDecisions) {
        if !observations.runtimeUp { journal.runtimeReachable(runtime.runtimeName) }
        observations.runtimeUp = true
        observations.snapshot = observed
        decisions.publish()
    }

    private func recordFailure(_ failure: RuntimeFailure, during phase: ConvergencePhase, for decisions: isolated some CloudCopyDecisions) {
        observations.runtimeUp = !failure.runtimeIsDown
        observations.lastError = .init(at: RFC3339.format(clock.now()), what: failure.description)
        journal.runtimeFailed(failure, during: phase)
        decisions.publish()
    }
}
