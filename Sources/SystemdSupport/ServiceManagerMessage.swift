/// One `sd_notify` message to the service manager (see sd_notify(3)).
public enum ServiceManagerMessage: Sendable, Equatable {
    /// Startup finished: the unit becomes active.
    case ready
    /// A new one-line Status for `systemctl status`.
    case status(String)
    /// The daemon is alive and its decision loop answers (resets `WatchdogSec=`).
    case watchdog
    /// Graceful shutdown began.
    case stopping(status: String)

    /// The newline-separated assignments `sd_notify` expects.
    ///
    /// A newline inside a status would end the assignment and start a bogus one, so status text
    /// is folded to one line.
    public var encoded: String {
        switch self {
        case .ready: "READY=1"
        case .status(let status): "STATUS=\(Self.oneLine(status))"
        case .watchdog: "WATCHDOG=1"
        case .stopping(let status): "STOPPING=1\nSTATUS=\(Self.oneLine(status))"
        }
    }

    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
