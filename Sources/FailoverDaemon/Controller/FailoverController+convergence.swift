import FailoverCore
import FoundationEssentials
import ServiceSupport

/// Convergence: when the controller calls the runtime (single flight, wake-ups at the times a
/// decision falls due) and what one pass does.
extension FailoverController {
    /// Where a webhook's reply learns how the runtime stands, calling it only when it must.
    func convergence(after decision: WebhookDecision, deadline: Duration) async -> ConvergenceOutcome? {
        let busy = schedule.newestRun
        if decision.stateChanged {
            // A convergence under way may be acting on the old state (a stop while a new trigger
            // fires), and without the change feed the last observation may be out of date.
            if busy == nil && runtimeWatchLive, let known = outcomeWithoutRuntimeCall() { return known }
            return await requestConvergence().value(within: deadline)
        }
        if let busy {
            return decision.concernsTheCloudCopy ? await busy.value(within: deadline) : nil
        }
        if let known = outcomeWithoutRuntimeCall() { return known }
        // A repeated trigger notice with an action still due: Alertmanager's retry after a 503.
        return decision.concernsTheCloudCopy ? await requestConvergence().value(within: deadline) : nil
    }

    /// The outcome a convergence would have, when the last observation says no action is due.
    /// Not while the runtime is unreachable: what it said last may no longer hold (a restarted
    /// dockerd has stopped its containers).
    private func outcomeWithoutRuntimeCall() -> ConvergenceOutcome? {
        guard observations.runtimeUp, let actual = observations.snapshot?.actual else { return nil }
        return ConvergenceOutcome(withoutRuntimeCall: plan(for: actual))
    }

    /// The engine's plan for `actual`; what observe-only mode holds back is noted (since when,
    /// in the journal, status and metrics) as it changes.
    private func plan(for actual: ActualState) -> PlannedAction {
        let plan = engine.plan(actual: actual, now: now())
        let withheld: WithheldAction? =
            if case .withheld(let action) = plan { action } else { nil }
        if withheld != observations.withheld?.action {
            journal.withheldChanged(to: withheld, from: observations.withheld?.action, reason: engine.state.reason)
            observations.withheld = withheld.map { ($0, now()) }
            publish()
        }
        return plan
    }

    /// Converges at `date`, so a stop is on time however long the safety-net reconcile interval
    /// is; replaces the previous such wake-up, and nil withdraws it.
    func wake(at date: Date?) {
        wake(.decisionDue, after: date.map { .seconds(max(0, $0.timeIntervalSince(now()))) })
    }

    /// Converges after `delay` for `reason`, replacing that reason's earlier wake-up; the one
    /// timer is armed at the earliest wake-up still asked for.
    func wake(_ reason: Schedule.WakeReason, after delay: Duration?) {
        arm(at: schedule.wake(reason, at: delay.map { clock.monotonicNow() + $0 }))
    }

    private func arm(at deadline: ContinuousClock.Instant?) {
        timer?.cancel()
        timer = nil
        guard let deadline else { return }
        let delay = deadline - clock.monotonicNow()
        timer = Task {
            // A little later, so the time it waits for has passed.
            do { try await Task.sleep(for: delay + .milliseconds(10)) } catch { return }
            self.timerFired(armedFor: deadline)
        }
    }

    private func timerFired(armedFor deadline: ContinuousClock.Instant) {
        arm(at: schedule.timerFired(servingUpTo: deadline))
        _ = requestConvergence()
    }

    /// Single flight: starts a convergence when none runs; otherwise returns the one follow-up
    /// that starts when the current one ends, creating it if needed.
    func requestConvergence() -> Task<ConvergenceOutcome, Never> {
        switch schedule.request() {
        case .start:
            let run = Task { await self.runConvergence() }
            schedule.started(run, at: clock.monotonicNow())
            return run
        case .queueFollowUp(let current):
            let followUp = Task {
                _ = await current.value
                self.schedule.followUpBegan(at: self.clock.monotonicNow())
                return await self.runConvergence()
            }
            schedule.queued(followUp)
            return followUp
        case .join(let followUp):
            return followUp
        }
    }

    private func runConvergence() async -> ConvergenceOutcome {
        let outcome = await convergeOnce()
        schedule.finished()
        return outcome
    }

    /// Observes, asks the engine for the one action that moves actual toward desired, runs it.
    private func convergeOnce() async -> ConvergenceOutcome {
        followClockStep()
        do {
            let observed = try await timed(.observe) { () async throws(RuntimeFailure) in try await self.runtime.observe() }
            judgeLastStart(observed.actual)
            recordSuccess(observed)
            let plan = plan(for: observed.actual)
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
                    publish()
                }
                wake(at: until)
                return .deferred(until: until)
            case .prepare:
                return await prepareStandby()
            case .start:
                if let wait = crashLoop.remainingWait(at: clock.monotonicNow()) {
                    wake(.crashLoop, after: wait)
                    return .backingOff(until: now().addingTimeInterval(wait.inSeconds))
                }
                try await act(.start)
                return .acted(.start)
            case .stop:
                try await act(.stop)
                return .acted(.stop)
            }
        } catch {
            consecutiveFailures += 1
            recordFailure(error, during: .converge)
            return .failed(error)
        }
    }

    /// Makes the standby again (it was missing, or made from an older spec or image). A failure
    /// leaves the copy stopped as wanted, so it is not a failed convergence a webhook's sender
    /// could fix by retrying; the reconcile loop tries again, backing off.
    private func prepareStandby() async -> ConvergenceOutcome {
        do {
            let prepared = try await timed(.prepare) { () async throws(RuntimeFailure) in try await self.runtime.prepare() }
            recordSuccess(prepared)
            journal.prepared(prepared)
            consecutiveFailures = 0
            return .inSync
        } catch {
            consecutiveFailures += 1
            recordFailure(error, during: .prepare)
            return .standbyNotReady(error)
        }
    }
}
