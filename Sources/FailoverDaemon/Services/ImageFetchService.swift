import FailoverCore
import Logging
import ServiceLifecycle
import ServiceSupport

/// Brings the cloud copy's image onto the host at startup (a registry pull, as `container.pull`
/// says), trying again with back-off until it is there, then has the standby made from it. A
/// failover never waits on this: a start uses what is on the host, and meanwhile fails saying so.
struct ImageFetchService: Service {
    let controller: FailoverController
    let runtime: any CloudRuntime
    let maximumBackoff: Duration
    let metrics: DaemonMetrics
    let logger: Logger

    /// The first wait before trying again; doubled while fetches keep failing.
    static let firstRetry: Duration = .seconds(1)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var delay = Self.firstRetry
            while !Task.isCancelled {
                do throws(RuntimeFailure) {
                    let account = try await runtime.fetchImage()
                    metrics.imageFetch(succeeded: true)
                    logger.info("cloud copy's image ready", metadata: ["image.fetch": .string(account)])
                    _ = await controller.reconcile()
                    return
                } catch {
                    metrics.imageFetch(succeeded: false)
                    logger.error(
                        "cannot bring the cloud copy's image onto the host; a failover now would fail; trying again",
                        metadata: ["error": .string(error.description), "retry_in_seconds": .stringConvertible(delay.inSeconds)]
                    )
                }
                do { try await Task.sleep(for: delay) } catch { return }
                delay = min(delay * 2, maximumBackoff)
            }
        }
        // A service that returns ends the whole group: this one waits for the shutdown.
        try? await gracefulShutdown()
    }
}
