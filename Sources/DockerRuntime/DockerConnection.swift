import AsyncHTTPClient
import DockerEngine
import FailoverCore
import Logging
import RuntimeSpec
import Synchronization

/// The Docker connection a Docker target uses, made lazily: dockerd may be down when failoverd
/// starts, and the daemon must still come up, answer 503 and recover when dockerd returns.
///
/// With several sockets (a swarm's managers), a call that finds its manager gone is made again
/// through the next one, in order and round, so losing the node failoverd talks to does not stop
/// a failover; the manager that answered is kept for the calls after.
final class DockerConnection: Sendable {
    private let http: HTTPClient
    private let sockets: [String]
    private let logger: Logger
    private let current = Mutex<(index: Int, client: DockerClient?)>((0, nil))

    init(http: HTTPClient, sockets: [String], logger: Logger) {
        precondition(!sockets.isEmpty, "a Docker connection needs a socket")
        self.http = http
        self.sockets = sockets
        self.logger = logger
    }

    /// The socket of the engine calls go to now.
    var socket: String { sockets[current.withLock { $0.index }] }

    private func docker(at index: Int) async throws(DockerError) -> DockerClient {
        if let connected = current.withLock({ $0.index == index ? $0.client : nil }) { return connected }
        let connected = try await DockerClient.connect(http: http, socketPath: sockets[index])
        logger.info(
            "docker connected",
            metadata: ["docker.api_version": .stringConvertible(connected.apiVersion), "docker.socket": .string(sockets[index])]
        )
        current.withLock { if $0.index == index { $0.client = connected } }
        return connected
    }

    /// Runs a call in the caller's isolation, forgetting the connection when dockerd is
    /// unreachable so the next call renegotiates (through the next manager, when there are
    /// several), and speaks the runtime port's failure type.
    func run<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (DockerClient) async throws(DockerError) -> T
    ) async throws(RuntimeFailure) -> T {
        var index = current.withLock { $0.index }
        for attempt in 1...sockets.count {
            do {
                return try await body(try await docker(at: index))
            } catch {
                guard Self.managerLost(error) else { throw RuntimeFailure(error) }
                let next = (index + 1) % sockets.count
                current.withLock { if $0.index == index { $0 = (next, nil) } }
                guard attempt < sockets.count else { throw RuntimeFailure(error) }
                logger.warning(
                    "docker engine does not answer; asking the next swarm manager",
                    metadata: ["docker.socket": .string(sockets[index]), "docker.next_socket": .string(sockets[next]), "error": "\(error)"]
                )
                index = next
            }
        }
        preconditionFailure("the loop returns or throws on its last attempt")
    }

    /// Whether a failure says this engine cannot answer, where another manager may: it is gone
    /// (no socket, refused, the connection dropped), or it answers 503, as a node that is no
    /// longer a manager of a swarm with a leader does. A timeout is not: it may be a replica
    /// slow to become ready, and doing the whole call again elsewhere would double the wait.
    static func managerLost(_ error: DockerError) -> Bool {
        switch error.kind {
        case .unreachable: true
        case .api: error.status == 503
        case .timeout, .imageMissing, .badResponse, .hostFile: false
        }
    }
}
