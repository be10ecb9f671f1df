/// When convergences run, as a value: one talks to the runtime at a time, every request made
/// while it runs shares one follow-up, and the timed wake-ups (a hold-down's end, a crash-loop
/// wait) share one timer armed at the earliest of them.
///
/// Pure, so every transition is tested without tasks or clocks: the caller owns the tasks and
/// reports what it did; a report that cannot happen in the current state is a bug and stops the
/// process (the style of AsyncHTTPClient's `Transaction+StateMachine`). `Run` is what a caller
/// awaits a convergence's outcome by: a `Task` in the controller, nothing in `AlertmanagerSync`,
/// whose callers do not wait for the answer.
struct ConvergenceSchedule<Run: Sendable>: Sendable {
    enum State: Sendable {
        /// Nothing runs.
        case idle
        /// `current` runs, since the monotonic reading given.
        case running(current: Run, since: ContinuousClock.Instant)
        /// `current` runs, and `followUp` runs when it ends, for every request made meanwhile.
        case runningWithFollowUp(current: Run, since: ContinuousClock.Instant, followUp: Run)
        /// `current` has ended and `followUp` has not begun: it has not looked at the runtime
        /// yet, so a request made now is still served by it.
        case followUpStarting(Run)
    }

    /// What the caller does for a request.
    enum RequestAction: Sendable {
        /// Nothing runs: start a run now, and report it with `started(_:at:)`.
        case start
        /// A run is under way and nothing follows it yet: make the follow-up, which begins
        /// when `current` ends, and report it with `queued(_:)`.
        case queueFollowUp(after: Run)
        /// A follow-up that has not looked at the runtime yet exists: await it.
        case join(Run)
    }

    private(set) var state: State = .idle
    private var wakes: [ConvergenceWakeReason: ContinuousClock.Instant] = [:]

    /// A convergence is asked for.
    func request() -> RequestAction {
        switch state {
        case .idle: .start
        case .running(let current, _): .queueFollowUp(after: current)
        case .runningWithFollowUp(_, _, let followUp), .followUpStarting(let followUp): .join(followUp)
        }
    }

    /// The caller started `run` for a `.start`.
    mutating func started(_ run: Run, at now: ContinuousClock.Instant) {
        guard case .idle = state else { preconditionFailure("started a run while \(state)") }
        state = .running(current: run, since: now)
    }

    /// The caller made `followUp` for a `.queueFollowUp`.
    mutating func queued(_ followUp: Run) {
        guard case .running(let current, let since) = state else { preconditionFailure("queued a follow-up while \(state)") }
        state = .runningWithFollowUp(current: current, since: since, followUp: followUp)
    }

    /// The run in progress ended. Returns whether a follow-up is due to begin.
    @discardableResult
    mutating func finished() -> Bool {
        switch state {
        case .running:
            state = .idle
            return false
        case .runningWithFollowUp(_, _, let followUp):
            state = .followUpStarting(followUp)
            return true
        case .idle, .followUpStarting:
            preconditionFailure("a run finished while \(state)")
        }
    }

    /// The follow-up begins to run.
    mutating func followUpBegan(at now: ContinuousClock.Instant) {
        guard case .followUpStarting(let followUp) = state else { preconditionFailure("a follow-up began while \(state)") }
        state = .running(current: followUp, since: now)
    }

    /// The run that ends last of those under way: the follow-up if there is one. Nil when
    /// nothing runs.
    var newestRun: Run? {
        switch state {
        case .idle: nil
        case .running(let current, _): current
        case .runningWithFollowUp(_, _, let followUp), .followUpStarting(let followUp): followUp
        }
    }

    /// When the run in progress began; nil when none runs (the watchdog's stall check).
    var runningSince: ContinuousClock.Instant? {
        switch state {
        case .running(_, let since), .runningWithFollowUp(_, let since, _): since
        case .idle, .followUpStarting: nil
        }
    }

    /// Asks for a convergence at `time` for `reason`, replacing that reason's earlier time; nil
    /// withdraws it. Returns when the one timer must fire now: the earliest time still asked
    /// for, nil for none.
    mutating func wake(_ reason: ConvergenceWakeReason, at time: ContinuousClock.Instant?) -> ContinuousClock.Instant? {
        wakes[reason] = time
        return wakes.values.min()
    }

    /// The timer armed for `deadline` fired: every wake-up at or before it is served (by the one
    /// convergence the caller now requests). Returns when it must fire next.
    /// Judged by the deadline, not by a clock reading, so a wake-up is served once however the
    /// clock the caller reads has moved.
    mutating func timerFired(servingUpTo deadline: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        wakes = wakes.filter { $0.value > deadline }
        return wakes.values.min()
    }
}

/// Why a wake-up is due; each reason holds at most one time, the newest asked for.
enum ConvergenceWakeReason: Hashable, Sendable {
    /// A hold-down or a stop-budget wait ends: the copy may be stopped.
    case decisionDue
    /// A crash-loop wait ends, or a start is to be judged once it should have settled.
    case crashLoop
}
