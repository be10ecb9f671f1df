import AsyncHTTPClient
import DockerEngine
import FailoverCore
import Logging
import Synchronization

/// The Docker connection a Docker target uses, made lazily: dockerd may be down when failoverd
/// starts, and the daemon must still come up, answer 503 and recover when dockerd returns.
final class DockerConnection: Sendable {
    private let http: HTTPClient
    private let socketPath: String
    private let logger: Logger
    private let client = Mutex<DockerClient?>(nil)

    init(http: HTTPClient, socketPath: String, logger: Logger) {
        self.http = http
        self.socketPath = socketPath
        self.logger = logger
    }

    private func docker() async throws(DockerError) -> DockerClient {
        if let connected = client.withLock({ $0 }) { return connected }
        let connected = try await DockerClient.connect(http: http, socketPath: socketPath)
        logger.info("docker connected", metadata: ["docker.api_version": .stringConvertible(connected.apiVersion)])
        client.withLock { $0 = connected }
        return connected
    }

    /// Runs a call in the caller's isolation, forgetting the connection when dockerd is
    /// unreachable so the next call renegotiates, and speaks the runtime port's failure type.
    func run<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (DockerClient) async throws(DockerError) -> T
    ) async throws(RuntimeFailure) -> T {
        do {
            return try await body(try await docker())
        } catch {
            if error.kind == .unreachable { client.withLock { $0 = nil } }
            throw RuntimeFailure(error)
        }
    }
}
