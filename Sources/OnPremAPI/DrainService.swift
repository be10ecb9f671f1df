import Logging
import ServiceLifecycle

/// Turns `/health` to 503 as soon as graceful shutdown begins, then holds the listener open for
/// the drain period so load balancers see the failing check before connections are refused.
///
/// It must come after the HTTP server in the `ServiceGroup`: the group shuts services down in
/// reverse order and waits for each, so the server stops only after this returns.
struct DrainService: Service {
    let state: ServingState
    let drain: Duration
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        state.beginDraining()
        logger.info("draining", metadata: ["drain_seconds": .stringConvertible(drain.components.seconds)])
        try? await Task.sleep(for: drain)
    }
}
