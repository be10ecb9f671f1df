import FailoverDaemon
import FoundationEssentials
import ServiceSupport
import Synchronization

/// A clock the test moves: both readings advance together, and only when told; `stepWall`
/// moves the wall clock alone, as an NTP step does.
final class ManualClock: DaemonClock {
    private let offset = Mutex<Duration>(.zero)
    private let wallStep = Mutex<TimeInterval>(0)
    private let wallOrigin = Date(timeIntervalSince1970: 1_795_428_000)
    private let monotonicOrigin = ContinuousClock.now

    func now() -> Date {
        wallOrigin.addingTimeInterval(offset.withLock { $0 }.inSeconds + wallStep.withLock { $0 })
    }

    func monotonicNow() -> ContinuousClock.Instant {
        monotonicOrigin + offset.withLock { $0 }
    }

    func advance(by duration: Duration) {
        offset.withLock { $0 += duration }
    }

    func stepWall(by seconds: TimeInterval) {
        wallStep.withLock { $0 += seconds }
    }
}
