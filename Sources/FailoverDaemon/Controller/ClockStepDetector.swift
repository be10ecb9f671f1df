import FoundationEssentials
import ServiceSupport

/// Notices the wall clock jumping: between two readings, the wall clock should move as far as
/// the monotonic clock does. A difference past `tolerance` is a step (NTP correcting a clock
/// that was far off, `date -s`), not the slow slewing NTP does in normal running.
struct ClockStepDetector: Sendable {
    /// Differences smaller than this are slew or scheduling noise.
    static let tolerance: TimeInterval = 1

    private var last: (wall: Date, monotonic: ContinuousClock.Instant)

    init(wall: Date, monotonic: ContinuousClock.Instant) {
        last = (wall, monotonic)
    }

    /// How far the wall clock jumped since the last reading (positive: forward), or nil.
    mutating func step(wall: Date, monotonic: ContinuousClock.Instant) -> TimeInterval? {
        let expected = last.wall.addingTimeInterval((monotonic - last.monotonic).inSeconds)
        last = (wall, monotonic)
        let step = wall.timeIntervalSince(expected)
        return abs(step) >= Self.tolerance ? step : nil
    }
}
