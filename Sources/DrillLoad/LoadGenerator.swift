import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import ServiceSupport

/// Open-loop load at a fixed rate: request *n* is sent at start + n/rate whether or not earlier
/// ones finished, so an outage shows up as errors and latency rather than as fewer requests.
public struct LoadGenerator: Sendable {
    /// Target URL (through HAProxy).
    public var url: String
    /// Requests per second.
    public var rate: Double
    /// How long to run; the run also stops on task cancellation (SIGINT/SIGTERM).
    public var duration: Duration
    /// Per-request deadline.
    public var requestTimeout: Duration

    /// Creates a generator.
    public init(url: String, rate: Double, duration: Duration, requestTimeout: Duration) {
        self.url = url
        self.rate = rate
        self.duration = duration
        self.requestTimeout = requestTimeout
    }

    /// Connections the client must be allowed per host so that no request waits for one: all
    /// requests that can be in flight at once (rate × timeout), at most 2048. AsyncHTTPClient's
    /// default of 8 queues requests client-side as soon as answers slow down, which would turn a
    /// slow server into client timeouts and make the load closed-loop.
    public var connectionLimit: Int {
        let inFlight = rate * Double(requestTimeout.components.seconds) + rate * Double(requestTimeout.components.attoseconds) / 1e18
        return min(2048, max(8, Int(inFlight.rounded(.up)) + 1))
    }

    /// Runs the load, handing each finished record to `record` (called concurrently); `client`
    /// should allow `connectionLimit` connections per host.
    public func run(client: HTTPClient, record: @escaping @Sendable (RequestRecord) -> Void) async {
        let clock = ContinuousClock()
        let start = clock.now
        let interval = Duration.nanoseconds(Int64(1e9 / rate))
        let total = Int(Double(duration.components.seconds) * rate)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<total {
                let due = start + interval * index
                do {
                    try await clock.sleep(until: due)
                } catch {
                    break
                }
                group.addTask {
                    // A request cut short because the run was stopped is not a client-visible error.
                    if let result = await DrillRequest(url: url, timeout: requestTimeout).send(client: client), !Task.isCancelled {
                        record(result)
                    }
                }
            }
        }
    }
}
