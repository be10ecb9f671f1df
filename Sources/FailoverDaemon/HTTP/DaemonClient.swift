import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import NIOHTTP1

/// The CLI's half of the status contract: talks to a running daemon at its configured listen
/// address with the configured token (`failoverd status|pause|resume`).
public struct DaemonClient: Sendable {
    /// The daemon answered, but not with a status report.
    public struct Refused: Error, CustomStringConvertible {
        /// The HTTP status code.
        public var code: UInt
        /// The daemon's explanation.
        public var message: String

        public var description: String { "failoverd answered \(code): \(message)" }
    }

    /// The daemon could not be asked: nothing listens, TLS failed, or no answer in time. Names
    /// the URL, so an operator sees which address and scheme the configuration led to.
    public struct Unreachable: Error, CustomStringConvertible {
        /// What the CLI tried.
        public var url: String
        /// AsyncHTTPClient's or NIO's account of the failure.
        public var reason: String

        public var description: String { "cannot reach failoverd at \(url): \(reason)" }
    }

    let configuration: FailoverdConfiguration

    /// Creates a client for the daemon this configuration describes.
    public init(configuration: FailoverdConfiguration) {
        self.configuration = configuration
    }

    /// Where a daemon listening on `host` is reached from its own machine: loopback when it
    /// listens on every address, else the address itself (IPv6 in brackets).
    package static func address(listeningOn host: String) -> String {
        switch host {
        case "0.0.0.0", "": return "127.0.0.1"
        case "::", "[::]": return "[::1]"
        default: return host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        }
    }

    /// Sends one request and decodes the status the daemon answers with; `service` narrows it
    /// to one of the services the configuration lists.
    public func call(_ method: HTTPMethod, _ path: String, service: String? = nil) async throws -> FleetStatus {
        let body = try await send(method, service.map { "\(path)?service=\($0)" } ?? path, token: try configuration.readToken()).body
        return try JSONDecoder().decode(FleetStatus.self, from: Data(body.readableBytesView))
    }

    /// The reloads the daemon has counted so far, from its `/health` (which needs no token: a
    /// reload may be rotating it).
    public func reloadCounts() async throws -> ReloadCounts {
        let headers = try await send(.GET, "/health", token: nil).headers
        guard let counts = headers.first(name: ReloadCounts.headerName).flatMap(ReloadCounts.init(headerValue:)) else {
            throw Refused(code: 200, message: "/health carries no \(ReloadCounts.headerName) header; is the daemon an older failoverd?")
        }
        return counts
    }

    private func send(_ method: HTTPMethod, _ path: String, token: String?) async throws -> (headers: HTTPHeaders, body: ByteBuffer) {
        let scheme = configuration.tlsCertificatePath == nil ? "http" : "https"
        let url = "\(scheme)://\(Self.address(listeningOn: configuration.host)):\(configuration.port)\(path)"
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.tlsConfiguration = try configuration.tlsLoopbackClientConfiguration()
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .seconds(5))
            body = try await response.body.collect(upTo: 1 << 20)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw Unreachable(url: url, reason: "\(error)")
        }
        guard response.status == .ok else {
            throw Refused(code: response.status.code, message: String(buffer: body))
        }
        return (response.headers, body)
    }
}

/// The daemon's reload counters and whether the last applied reload left keys for a restart.
public struct ReloadCounts: Sendable, Equatable {
    /// Reloads that applied.
    public var applied: Int
    /// Reloads refused (the running configuration stayed).
    public var rejected: Int
    /// `failoverd_config_restart_required`.
    public var restartRequired: Bool

    /// Creates counts.
    public init(applied: Int, rejected: Int, restartRequired: Bool) {
        self.applied = applied
        self.rejected = rejected
        self.restartRequired = restartRequired
    }

    /// Reads the counters from a Prometheus text exposition; a counter not exposed yet is 0.
    public init(exposition: String) {
        func value(_ series: String) -> Double? {
            exposition.split(separator: "\n").lazy
                .first { $0.hasPrefix(series + " ") }
                .flatMap { Double($0.dropFirst(series.count + 1)) }
        }
        applied = Int(value(#"failoverd_config_reloads_total{outcome="applied"}"#) ?? 0)
        rejected = Int(value(#"failoverd_config_reloads_total{outcome="rejected"}"#) ?? 0)
        restartRequired = value("failoverd_config_restart_required") == 1
    }
}
