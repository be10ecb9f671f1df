import FoundationEssentials

/// The daemon's sense of time, passed in so tests advance it instead of sleeping.
///
/// Two readings because they answer different questions: wall time is what decisions are
/// recorded in (hold-down deadlines, timestamps an operator reads, state that survives a
/// restart); monotonic time measures how long something has been running (the watchdog's
/// stall check), which a wall-clock step must not distort.
public protocol DaemonClock: Sendable {
    /// The wall-clock time now.
    func now() -> Date
    /// A monotonic reading, only meaningful relative to another reading of the same clock.
    func monotonicNow() -> ContinuousClock.Instant
}

/// The real clocks.
public struct SystemDaemonClock: DaemonClock {
    /// Creates the system clock.
    public init() {}

    public func now() -> Date { Date() }

    public func monotonicNow() -> ContinuousClock.Instant { .now }
}
