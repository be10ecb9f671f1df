import ServiceLifecycle

/// Tells the service manager `STOPPING=1` as soon as graceful shutdown starts.
///
/// Place it last in the `ServiceGroup`: the group stops services in reverse order, so this one
/// hears the signal first and `systemctl status` shows "stopping" while the rest drain.
public struct ServiceManagerShutdownNotice: Service {
    private let notifier: any ServiceManagerNotifying

    /// Creates the service.
    public init(notifier: any ServiceManagerNotifying) {
        self.notifier = notifier
    }

    public func run() async throws {
        try? await gracefulShutdown()
        notifier.notify(.stopping(status: "stopping: finishing in-flight requests"))
    }
}
