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

    /// Runs the load, handing each finished record to `record` (called concurrently).
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
                    if let result = await self.send(client: client), !Task.isCancelled {
                        record(result)
                    }
                }
            }
        }
    }

    private func send(client: HTTPClient) async -> RequestRecord? {
        let sent = Date().timeIntervalSince1970
        let started = ContinuousClock.now
        func elapsed() -> Double { (ContinuousClock.now - started).inSeconds }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: "failover-drill")
        do {
            let response = try await client.execute(request, timeout: TimeAmount(requestTimeout))
            let body = try await response.body.collect(upTo: 1 << 16)
            struct Identity: Decodable { let site: String? }
            let site = response.status == .ok ? (try? JSONDecoder().decode(Identity.self, from: Data(body.readableBytesView)))?.site : nil
            return RequestRecord(time: sent, status: Int(response.status.code), latency: elapsed(), site: site, error: nil)
        } catch is CancellationError {
            return nil
        } catch {
            return RequestRecord(time: sent, status: 0, latency: elapsed(), site: nil, error: String(describing: error))
        }
    }
}
