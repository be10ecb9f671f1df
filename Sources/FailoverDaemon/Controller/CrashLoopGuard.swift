import FailoverCore
import FoundationEssentials
import ServiceSupport

/// Tells a cloud copy that keeps dying from one that died once, so a copy that cannot stay up
/// (its port is taken, its configuration is wrong) is restarted with growing waits instead of
/// in a tight loop, while a single crash after hours of service is restarted at once.
///
/// A start ends in a quick exit when the start itself fails with the runtime answering (the
/// copy exited while starting) or when the copy is found not running within `settleTime` of
/// being started. Each quick exit in a row doubles the wait before the next start, from
/// `firstDelay` up to `maximumDelay`; a copy seen running for `settleTime` ends the streak.
/// Measured on the monotonic clock, so a clock step neither shortens nor stretches a wait.
struct CrashLoopGuard: Sendable {
    /// How long a started copy must stay up before its start counts as a success.
    static let settleTime: Duration = .seconds(10)
    /// The wait after the first quick exit.
    static let firstDelay: Duration = .seconds(1)

    /// The longest wait between starts (`max_backoff_seconds`).
    let maximumDelay: Duration
    /// Quick exits in a row; 0 when the copy is not crash-looping.
    private(set) var quickExits = 0
    /// When the next start is allowed; nil when it is allowed now.
    private(set) var nextStartAllowed: ContinuousClock.Instant?
    /// When failoverd last started the copy (and the wall-clock time it recorded for it),
    /// until that start is judged.
    private var unjudgedStart: (at: ContinuousClock.Instant, wall: Date)?

    init(maximumDelay: Duration) {
        self.maximumDelay = maximumDelay
    }

    /// How a start was judged, for the journal and the metrics.
    enum Verdict: Sendable, Equatable {
        /// The copy exited within the settle time: the wait before the next start, and when
        /// the start it undoes was recorded (nil when the start itself failed).
        case quickExit(wait: Duration, startRecordedAt: Date?)
        /// The copy exited after running for the settle time: restarted at once.
        case exitAfterSettling
        /// The copy has stayed up for the settle time, ending a streak of quick exits.
        case settled
    }

    /// The copy was started.
    mutating func started(at now: ContinuousClock.Instant, wall: Date) {
        unjudgedStart = (now, wall)
    }

    /// A start failed although the runtime answered: the copy cannot come up.
    mutating func startFailed(at now: ContinuousClock.Instant) -> Verdict {
        unjudgedStart = nil
        return quickExit(at: now, undoing: nil)
    }

    /// The copy is wanted running and was found not running: judges the last start, once.
    mutating func foundNotRunning(at now: ContinuousClock.Instant) -> Verdict? {
        guard let started = unjudgedStart else { return nil }
        unjudgedStart = nil
        if now - started.at < Self.settleTime { return quickExit(at: now, undoing: started.wall) }
        let wasLooping = quickExits > 0
        endStreak()
        return wasLooping ? .settled : .exitAfterSettling
    }

    /// The copy was found running: past the settle time, the start was a success.
    mutating func foundRunning(at now: ContinuousClock.Instant) -> Verdict? {
        guard let started = unjudgedStart, now - started.at >= Self.settleTime else { return nil }
        unjudgedStart = nil
        guard quickExits > 0 else { return nil }
        endStreak()
        return .settled
    }

    /// The copy was stopped on purpose: nothing to judge, and the next failover starts afresh.
    mutating func stopped() {
        unjudgedStart = nil
        endStreak()
    }

    /// Judges the last start by what the runtime shows at `now`: a copy wanted running that is
    /// gone within the settle time exited at once. A copy no longer wanted (failed back while it
    /// kept exiting) ends the streak: nothing is looping. Returns whether anything changed that
    /// status shows, and the verdict when there is one.
    mutating func observed(_ actual: ActualState, wantedRunning: Bool, at now: ContinuousClock.Instant) -> (verdict: Verdict?, changed: Bool) {
        switch actual {
        case .running:
            let verdict = foundRunning(at: now)
            return (verdict, verdict != nil)
        case .stopped, .missing, .outdated:
            guard wantedRunning else {
                let wasLooping = quickExits > 0
                if wasLooping { stopped() }
                return (nil, wasLooping)
            }
            let verdict = foundNotRunning(at: now)
            return (verdict, verdict != nil)
        case .notReady:
            return (nil, false)
        }
    }

    /// The crash loop as status shows it at `now` (`wall` on the wall clock): nil unless the
    /// copy keeps exiting.
    func status(at now: ContinuousClock.Instant, wall: Date) -> CrashLoopStatus? {
        guard quickExits > 0 else { return nil }
        let wait = remainingWait(at: now) ?? .zero
        return CrashLoopStatus(quickExits: quickExits, nextStartAt: wall.addingTimeInterval(wait.inSeconds))
    }

    /// How long the next start must still wait at `now`; nil when it may start.
    func remainingWait(at now: ContinuousClock.Instant) -> Duration? {
        guard let allowed = nextStartAllowed, allowed > now else { return nil }
        return allowed - now
    }

    private mutating func quickExit(at now: ContinuousClock.Instant, undoing start: Date?) -> Verdict {
        quickExits += 1
        let doubled = Self.firstDelay * (1 << min(quickExits - 1, 16))
        let wait = min(doubled, maximumDelay)
        nextStartAllowed = now + wait
        return .quickExit(wait: wait, startRecordedAt: start)
    }

    private mutating func endStreak() {
        quickExits = 0
        nextStartAllowed = nil
    }
}

/// A cloud copy that keeps exiting right after it was started, as status shows it.
struct CrashLoopStatus: Sendable, Equatable {
    /// Quick exits in a row.
    var quickExits: Int
    /// When failoverd starts it again.
    var nextStartAt: Date
}
