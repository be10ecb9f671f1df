import CSystemd

/// Something that tells the service manager what the daemon is doing; tests record messages.
public protocol ServiceManagerNotifying: Sendable {
    /// Sends one message; failures are not fatal (systemd may have gone away during shutdown).
    func notify(_ message: ServiceManagerMessage)
}

/// `sd_notify` through libsystemd.
///
/// Exists only when systemd gave the process a notification socket, so outside systemd (a
/// terminal, a container, a test) there is nothing to call and nothing to fail.
public struct SystemdNotifier: ServiceManagerNotifying {
    /// Half of `WATCHDOG_USEC`, the ping period sd_watchdog_enabled(3) recommends; nil when the
    /// unit has no `WatchdogSec=` (or it is meant for another PID).
    public let watchdogInterval: Duration?

    /// The notifier for this process, or nil when `NOTIFY_SOCKET` is not set.
    public static func fromEnvironment(_ environment: [String: String]) -> SystemdNotifier? {
        guard let socket = environment["NOTIFY_SOCKET"], !socket.isEmpty else { return nil }
        var microseconds: UInt64 = 0
        let enabled = sd_watchdog_enabled(0, &microseconds) > 0 && microseconds > 0
        return SystemdNotifier(watchdogInterval: enabled ? Self.pingInterval(watchdogMicroseconds: microseconds) : nil)
    }

    /// The ping period for a watchdog timeout: half of it, so one late ping is not fatal.
    public static func pingInterval(watchdogMicroseconds: UInt64) -> Duration {
        .microseconds(Int64(clamping: watchdogMicroseconds / 2))
    }

    public func notify(_ message: ServiceManagerMessage) {
        _ = sd_notify(0, message.encoded)
    }
}
