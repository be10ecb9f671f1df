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
        let path = service.map { "\(path)?service=\($0)" } ?? path
        let token = try configuration.readToken()
        let scheme = configuration.tlsCertificatePath == nil ? "http" : "https"
        let url = "\(scheme)://\(Self.address(listeningOn: configuration.host)):\(configuration.port)\(path)"
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
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
        return try JSONDecoder().decode(FleetStatus.self, from: Data(body.readableBytesView))
    }
}
