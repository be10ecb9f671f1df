/// A runtime call that failed, in terms the controller decides on.
///
/// The kind says what a retry can do; `detail` is the runtime's own one-line account (which
/// call, which target, what the runtime answered) and `context` carries runtime-specific log
/// fields (`docker.call`, `docker.status`, ...), so operators keep the runtime's vocabulary
/// while the controller stays runtime-neutral.
public struct RuntimeFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Kind: String, Sendable, Equatable {
        /// The runtime cannot be reached (socket missing, connection refused): it is down.
        case unreachable
        /// The runtime, or the target becoming ready, did not finish in time.
        case timedOut = "timeout"
        /// The runtime answered and refused (an error status, a missing image, a target that
        /// exited while starting).
        case refused
        /// The runtime's answer could not be understood.
        case badResponse
    }

    /// What went wrong.
    public var kind: Kind
    /// The runtime's one-line account, for logs, replies and `last_error`.
    public var detail: String
    /// The runtime's id or name for the target involved, if any.
    public var target: String?
    /// Engine-specific log fields, keyed by dotted names.
    public var context: [String: String]

    /// Creates a failure.
    public init(kind: Kind, detail: String, target: String? = nil, context: [String: String] = [:]) {
        self.kind = kind
        self.detail = detail
        self.target = target
        self.context = context
    }

    /// Whether the runtime itself is out of reach (as opposed to answering with an error).
    public var runtimeIsDown: Bool { kind == .unreachable || kind == .timedOut }

    /// The runtime's one-line account.
    public var description: String { detail }
}
