import Synchronization

/// Runs convergence passes as `ConvergenceSchedule` orders them: one at a time, every request
/// made meanwhile sharing one follow-up, and one timer armed at the earliest wake-up asked for.
///
/// It holds its own lock rather than living in the controller's actor, so the tasks and the
/// timer are its business alone; the pass it runs is the caller's (the controller's, on the
/// controller).
final class ConvergenceRunner<Outcome: Sendable>: Sendable {
    /// One convergence pass.
    typealias Pass = @Sendable () async -> Outcome
    typealias Schedule = ConvergenceSchedule<Task<Outcome, Never>>

    private struct State {
        var schedule = Schedule()
        /// Fires at the schedule's earliest wake-up.
        var timer: Task<Void, Never>?
    }

    private let state = Mutex(State())
    private let clock: any DaemonClock

    init(clock: any DaemonClock) {
        self.clock = clock
    }

    /// Starts `pass` when none runs; otherwise returns the one follow-up that starts when the
    /// current one ends, creating it if needed.
    func request(_ pass: @escaping Pass) -> Task<Outcome, Never> {
        state.withLock { state in
            switch state.schedule.request() {
            case .start:
                // The pass's end waits for this lock, so `started` is recorded before `finished`.
                let run = Task { await self.run(pass) }
                state.schedule.started(run, at: clock.monotonicNow())
                return run
            case .queueFollowUp(let current):
                let followUp = Task {
                    _ = await current.value
                    self.state.withLock { $0.schedule.followUpBegan(at: self.clock.monotonicNow()) }
                    return await self.run(pass)
                }
                state.schedule.queued(followUp)
                return followUp
            case .join(let followUp):
                return followUp
            }
        }
    }

    /// Runs `pass` after `delay` for `reason`, replacing that reason's earlier wake-up; nil
    /// withdraws it.
    func wake(_ reason: ConvergenceWakeReason, after delay: Duration?, _ pass: @escaping Pass) {
        state.withLock { state in
            arm(&state, at: state.schedule.wake(reason, at: delay.map { clock.monotonicNow() + $0 }), pass)
        }
    }

    /// The run that ends last of those under way; nil when none runs.
    var newestRun: Task<Outcome, Never>? { state.withLock { $0.schedule.newestRun } }

    /// How long the pass in progress has run, when that is longer than `limit` (the
    /// watchdog's stall check); nil otherwise, and when none runs.
    func running(longerThan limit: Duration) -> Duration? {
        guard let since = state.withLock({ $0.schedule.runningSince }) else { return nil }
        let elapsed = clock.monotonicNow() - since
        return elapsed > limit ? elapsed : nil
    }

    private func run(_ pass: Pass) async -> Outcome {
        let outcome = await pass()
        state.withLock { _ = $0.schedule.finished() }
        return outcome
    }

    private func arm(_ state: inout State, at deadline: ContinuousClock.Instant?, _ pass: @escaping Pass) {
        state.timer?.cancel()
        state.timer = nil
        guard let deadline else { return }
        let delay = deadline - clock.monotonicNow()
        state.timer = Task {
            // A little later, so the time it waits for has passed.
            do { try await Task.sleep(for: delay + .milliseconds(10)) } catch { return }
            self.state.withLock { self.arm(&$0, at: $0.schedule.timerFired(servingUpTo: deadline), pass) }
            _ = self.request(pass)
        }
    }
}
