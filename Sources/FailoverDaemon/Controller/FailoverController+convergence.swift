import FailoverCore
import FoundationEssentials

/// Convergence as the controller asks for it (the runner runs the passes, the operator calls
/// the runtime), and the decisions a pass reads and records.
extension FailoverController {
    /// Where a webhook's reply learns how the runtime stands, calling it only when it must.
    func convergence(after decision: WebhookDecision, deadline: Duration) async -> ConvergenceOutcome? {
        let busy = runner.newestRun
        if decision.stateChanged {
            // A convergence under way may be acting on the old state (a stop while a new trigger
            // fires), and without the change feed the last observation may be out of date.
            if busy == nil && runtimeWatchLive, let known = cloudCopy.outcomeWithoutRuntimeCall(for: self) { return known }
            return await requestConvergence().value(within: deadline)
        }
        if let busy {
            return decision.concernsTheCloudCopy ? await busy.value(within: deadline) : nil
        }
        if let known = cloudCopy.outcomeWithoutRuntimeCall(for: self) { return known }
        // A repeated trigger notice with an action still due: Alertmanager's retry after a 503.
        return decision.concernsTheCloudCopy ? await requestConvergence().value(within: deadline) : nil
    }

    /// Single flight: starts a convergence when none runs; otherwise the one follow-up.
    func requestConvergence() -> Task<ConvergenceOutcome, Never> {
        runner.request(pass)
    }

    /// Converges at `date`, so a stop is on time however long the safety-net reconcile interval
    /// is; replaces the previous such wake-up, and nil withdraws it.
    func wake(at date: Date?) {
        wake(.decisionDue, after: date.map { .seconds(max(0, $0.timeIntervalSince(now()))) })
    }

    func wake(_ reason: ConvergenceWakeReason, after delay: Duration?) {
        runner.wake(reason, after: delay, pass)
    }

    /// One pass, on the actor: the clock step first, so the decisions it reads are current.
    private var pass: ConvergenceRunner<ConvergenceOutcome>.Pass {
        { await self.converge() }
    }

    private func converge() async -> ConvergenceOutcome {
        followClockStep()
        return await cloudCopy.converge(for: self)
    }

    // MARK: CloudCopyDecisions

    func plan(for actual: ActualState) -> PlannedAction { engine.plan(actual: actual, now: now()) }

    var wantsRunning: Bool { engine.desired(at: now()) == .running }

    var reason: String { engine.state.reason }

    func recordStart(at finishedAt: Date) { engine.recordStart(at: finishedAt) }

    func recordStop(at finishedAt: Date) { engine.recordStop(at: finishedAt) }

    func retractStart(recordedAt: Date) { engine.retractStart(recordedAt: recordedAt) }
}
