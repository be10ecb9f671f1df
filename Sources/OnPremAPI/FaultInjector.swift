import Hummingbird

/// The drill knobs: delays, random errors, CPU burn and a crash, all bounded and all off unless
/// fault injection is enabled, so a production copy cannot be hurt through them.
public struct FaultInjector: Sendable {
    /// Ends the process at once with a non-zero status (a crash, not a shutdown). Production
    /// passes `_exit`; tests pass a hook that records the call and returns.
    public typealias Crash = @Sendable () -> Void

    let enabled: Bool
    let failureRate: Double
    let brownout: Brownout
    let crash: Crash
    let randomUnit: @Sendable () -> Double

    /// Creates the injector; `crash` and `randomUnit` are seams for tests.
    public init(
        enabled: Bool,
        failureRate: Double,
        brownout: Brownout = Brownout(),
        crash: @escaping Crash,
        randomUnit: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.enabled = enabled
        self.failureRate = failureRate
        self.brownout = brownout
        self.crash = crash
        self.randomUnit = randomUnit
    }

    /// Throws 403 with the switch to flip when fault injection is off.
    func requireEnabled() throws {
        guard enabled else {
            throw HTTPError(.forbidden, message: "fault injection is disabled; start with FAULT_INJECTION=true to use drill endpoints")
        }
    }

    /// Sleeps `delay_ms` milliseconds when given; rejects malformed or out-of-range values with 400.
    func applyDelay(_ raw: String?) async throws {
        guard let raw else { return }
        try requireEnabled()
        let maximum = OnPremAPIConfiguration.maximumDelayMilliseconds
        guard let milliseconds = Int(raw), (0...maximum).contains(milliseconds) else {
            throw HTTPError(.badRequest, message: "delay_ms must be an integer from 0 to \(maximum), got '\(raw)'")
        }
        try await Task.sleep(for: .milliseconds(milliseconds))
    }

    /// Answers 500 with probability `failureRate`, or the brownout's rate when that is higher.
    func maybeFailRandomly() throws {
        let rate = max(failureRate, enabled ? brownout.setting.failureRate : 0)
        guard enabled, rate > 0, randomUnit() < rate else { return }
        throw HTTPError(.internalServerError, message: "injected random failure (rate \(rate))")
    }

    /// Sleeps for the brownout's delay, if one is on.
    func applyBrownoutDelay() async throws {
        let milliseconds = brownout.setting.delayMilliseconds
        guard enabled, milliseconds > 0 else { return }
        try await Task.sleep(for: .milliseconds(milliseconds))
    }

    /// Switches the brownout from `failure_rate` and `delay_ms` (both default 0, which ends it);
    /// rejects out-of-range values with 400 and leaves the setting unchanged.
    func setBrownout(failureRate rawRate: String?, delayMilliseconds rawDelay: String?) throws -> Brownout.Setting {
        try requireEnabled()
        var setting = Brownout.Setting()
        if let rawRate {
            guard let rate = Double(rawRate), (0...1).contains(rate) else {
                throw HTTPError(.badRequest, message: "failure_rate must be a number from 0 to 1, got '\(rawRate)'")
            }
            setting.failureRate = rate
        }
        if let rawDelay {
            let maximum = OnPremAPIConfiguration.maximumDelayMilliseconds
            guard let milliseconds = Int(rawDelay), (0...maximum).contains(milliseconds) else {
                throw HTTPError(.badRequest, message: "delay_ms must be an integer from 0 to \(maximum), got '\(rawDelay)'")
            }
            setting.delayMilliseconds = milliseconds
        }
        brownout.set(setting)
        return setting
    }

    /// Keeps a core busy for the requested seconds, yielding every few milliseconds so the
    /// server stays responsive while under CPU pressure. Returns the seconds burned.
    func burnCPU(_ raw: String?) async throws -> Double {
        try requireEnabled()
        let maximum = OnPremAPIConfiguration.maximumCPUSeconds
        guard let raw, let seconds = Double(raw), seconds > 0, seconds <= maximum else {
            throw HTTPError(.badRequest, message: "seconds must be a number above 0 and at most \(maximum), got '\(raw ?? "")'")
        }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(seconds)
        while clock.now < deadline {
            let slice = clock.now + .milliseconds(5)
            while clock.now < slice {}
            await Task.yield()
        }
        return seconds
    }
}
