import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on every SIGHUP (the unit's `ExecReload=`).
struct ReloadService: Service {
    let reloader: ConfigurationReloader

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            await reloader.reload()
        }
    }
}
