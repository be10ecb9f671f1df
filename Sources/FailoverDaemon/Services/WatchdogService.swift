import Logging
import ServiceLifecycle
import ServiceSupport

/// Pings systemd's watchdog only while every service's decision actor answers and none has a
/// convergence stuck, so systemd restarts a wedged daemon (blocked actor, hung runtime call),
/// not only a dead one.
struct WatchdogService: Service {
    let controllers: [FailoverController]
    let hook: WatchdogHook
    /// Longer than any healthy convergence can take; see `FailoverdConfiguration.convergenceLimit`.
    let convergenceLimit: Duration
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown {
            await check()
            return hook.interval
        }
    }

    /// One check: pings when every controller is alive, logs why not otherwise.
    /// Returns whether it pinged.
    @discardableResult
    func check() async -> Bool {
        for controller in controllers {
            guard case .stalled(let elapsed) = await controller.liveness(limit: convergenceLimit) else { continue }
            logger.critical(
                "decision loop stalled; withholding the watchdog ping so systemd restarts failoverd",
                metadata: [
                    "stalled_seconds": .stringConvertible(Int(elapsed.inSeconds)),
                    "limit_seconds": .stringConvertible(Int(convergenceLimit.inSeconds)),
                ]
            )
            return false
        }
        hook.ping()
        return true
    }
}
