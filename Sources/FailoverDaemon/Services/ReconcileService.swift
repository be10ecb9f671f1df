import ServiceLifecycle

/// Runs reconcile passes forever: at startup, then every interval, backing off exponentially
/// while Docker keeps failing so a dead dockerd is not hammered. With Docker's events followed
/// and the hold-down's end timed by the controller, this is the safety net for a missed event.
struct ReconcileService: Service {
    let controller: FailoverController
    let interval: Duration
    let maximumBackoff: Duration

    func run() async throws {
        await repeatUntilShutdown {
            _ = await controller.reconcile()
            let failures = await controller.consecutiveFailures
            return failures == 0 ? interval : min(interval * (1 << min(failures, 16)), maximumBackoff)
        }
    }
}
