import FailoverCore
import Logging
import ServiceLifecycle
import Synchronization

/// Follows the runtime's change feed (Docker's events) so a cloud copy that dies is restarted
/// at once instead of at the next reconcile pass, and so webhooks can trust the last
/// observation. Reconnects with backoff; the controller resyncs on every reconnect.
struct RuntimeWatchService: Service {
    let controller: FailoverController
    let runtime: any CloudRuntime
    let maximumBackoff: Duration
    let logger: Logger

    /// The first wait before reconnecting; doubled while the feed keeps failing to connect.
    static let firstRetry: Duration = .milliseconds(250)

    func run() async throws {
        let retry = RetryDelay(first: Self.firstRetry, maximum: maximumBackoff)
        await repeatUntilShutdown {
            do throws(RuntimeFailure) {
                try await runtime.watch(
                    onSubscribed: { _ = await controller.runtimeWatchConnected() },
                    onChange: { await controller.runtimeChanged() }
                )
            } catch {
                logger.debug("runtime change feed failed", metadata: ["error": .string(error.description)])
            }
            // Shutting down is not losing the feed.
            guard !Task.isCancelled else { return .zero }
            let wasConnected = await controller.runtimeWatchLost()
            return retry.next(afterConnecting: wasConnected)
        }
    }
}

/// Exponential backoff that starts over once a connection was made.
private final class RetryDelay: Sendable {
    private let first: Duration
    private let maximum: Duration
    private let current: Mutex<Duration>

    init(first: Duration, maximum: Duration) {
        self.first = first
        self.maximum = maximum
        current = Mutex(first)
    }

    func next(afterConnecting connected: Bool) -> Duration {
        current.withLock { delay in
            if connected { delay = first }
            defer { delay = min(delay * 2, maximum) }
            return delay
        }
    }
}
