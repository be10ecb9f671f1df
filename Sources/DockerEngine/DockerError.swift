/// A Docker Engine call that failed, saying which call, which container and what Docker answered.
public struct DockerError: Error, Equatable, CustomStringConvertible {
    /// The kinds of failure callers treat differently.
    public enum Kind: String, Sendable, Equatable {
        /// The socket is missing or refused: dockerd is down. Retrying later can help.
        case unreachable
        /// The image to create the container from is not present on the host.
        case imageMissing
        /// Docker answered with an error status.
        case api
        /// Docker did not answer in time, or the container did not become ready in time.
        case timeout
        /// The answer could not be read.
        case badResponse
        /// A file the spec names on the cloud host (an environment file, a secret, registry
        /// credentials) cannot be read or does not read: the operator must fix it.
        case hostFile
    }

    /// What failed.
    public var kind: Kind
    /// The Engine API call, e.g. `POST /containers/{id}/start`.
    public var call: String
    /// The container name or id involved, if any.
    public var container: String?
    /// Docker's HTTP status, if it answered.
    public var status: Int?
    /// Docker's message, or the transport error.
    public var message: String

    /// Creates an error.
    public init(kind: Kind, call: String, container: String? = nil, status: Int? = nil, message: String) {
        self.kind = kind
        self.call = call
        self.container = container
        self.status = status
        self.message = message
    }

    /// One line for logs and replies.
    public var description: String {
        var text = "docker \(call)"
        if let container { text += " [\(container)]" }
        if let status { text += " -> \(status)" }
        return text + ": \(kind.rawValue): \(message)"
    }
}
