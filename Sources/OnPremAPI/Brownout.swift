import Synchronization

/// A brownout switched on and off while the process runs (`PUT /brownout`), so a drill can make
/// a healthy on-prem slow and error-prone without restarting it, which would be a crash instead.
public final class Brownout: Sendable {
    /// What `GET /` suffers while the brownout is on; all zero is off.
    public struct Setting: Sendable, Equatable {
        /// Probability (0...1) of a 500, on top of `FAILURE_RATE`.
        public var failureRate: Double = 0
        /// Added to every answer.
        public var delayMilliseconds: Int = 0
    }

    private let current = Mutex(Setting())

    /// A brownout that is off.
    public init() {}

    /// The setting now in force.
    public var setting: Setting {
        current.withLock { $0 }
    }

    /// Replaces the setting; zeros end the brownout.
    public func set(_ setting: Setting) {
        current.withLock { $0 = setting }
    }
}
