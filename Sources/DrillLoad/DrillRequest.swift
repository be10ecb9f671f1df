import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import NIOHTTP1
import ServiceSupport

/// One GET as a drill client makes it, recorded with the site that answered; shared by the
/// load generator and the probe so both judge answers the same way.
public struct DrillRequest: Sendable {
    /// The URL (through HAProxy).
    public var url: String
    /// The deadline for the whole response.
    public var timeout: Duration
    /// Close the connection after the answer, as a new client would, so each request is
    /// routed afresh instead of riding a kept-alive connection.
    public var closesConnection = false

    /// Creates a request description.
    public init(url: String, timeout: Duration, closesConnection: Bool = false) {
        self.url = url
        self.timeout = timeout
        self.closesConnection = closesConnection
    }

    /// Sends it; nil when the task was cancelled (a stopped run is not a client-visible error).
    public func send(client: HTTPClient) async -> RequestRecord? {
        let sent = Date().timeIntervalSince1970
        let started = ContinuousClock.now
        func elapsed() -> Double { (ContinuousClock.now - started).inSeconds }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: "failover-drill")
        if closesConnection { request.headers.add(name: "Connection", value: "close") }
        do {
            let response = try await client.execute(request, timeout: TimeAmount(timeout))
            let body = try await response.body.collect(upTo: 1 << 16)
            struct Identity: Decodable {
                let site: String?
                let hostname: String?
            }
            let identity = response.status == .ok ? try? JSONDecoder().decode(Identity.self, from: Data(body.readableBytesView)) : nil
            return RequestRecord(
                time: sent,
                status: Int(response.status.code),
                latency: elapsed(),
                site: identity?.site,
                host: identity?.hostname,
                error: nil
            )
        } catch is CancellationError {
            return nil
        } catch {
            return RequestRecord(time: sent, status: 0, latency: elapsed(), site: nil, error: String(describing: error))
        }
    }
}
