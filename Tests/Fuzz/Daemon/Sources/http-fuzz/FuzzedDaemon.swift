import FailoverDaemon
import Foundation
import Logging
import Prometheus

/// failoverd as the fuzzer talks to it: the real routes, controller, state store and HTTP
/// server on a free loopback port, around an in-memory runtime.
struct FuzzedDaemon: Sendable {
    /// The webhook token, as the seeds in Tests/Fuzz/seeds/http send it.
    static let token = "fuzz-token"
    /// The daemon's request timeout: it closes a connection that has not sent a whole request
    /// within it (from connecting or from its last answer).
    static let requestTimeout: Duration = .seconds(2)
    /// How long the fuzzer waits for the end of a reply: the request timeout plus room for a
    /// slow (instrumented) daemon.
    static let replyTimeout = 10
    let port: Int

    /// Starts the daemon with its state in `$FUZZ_STATE_DIRECTORY` (scripts/fuzz/run.sh makes and
    /// removes it) and returns once it listens.
    static func start() -> FuzzedDaemon {
        guard let stateDirectory = ProcessInfo.processInfo.environment["FUZZ_STATE_DIRECTORY"] else {
            fatalError("set FUZZ_STATE_DIRECTORY to an empty directory for failoverd's state")
        }
        var configuration = FailoverdConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = LoopbackExchange.freePort()
        configuration.stateDirectory = stateDirectory
        configuration.service.container.image = "onprem-api:fuzz"
        configuration.maximumBodyBytes = 4096  // small enough for the fuzzer's inputs to cross it
        configuration.followRuntimeEvents = false
        configuration.requestTimeout = requestTimeout
        let dependencies = FailoverdDependencies(
            runtime: { _, _ in InMemoryRuntime() },
            registry: PrometheusCollectorRegistry(),
            logger: Logger(label: "failoverd") { _ in SwiftLogNoOpLogHandler() },
            onReady: { listening.signal() }
        )
        Task {
            do {
                let daemon = try await buildFailoverd(configuration: configuration, token: token, dependencies: dependencies)
                // No signal handlers: libFuzzer handles SIGINT and SIGTERM itself.
                try await daemon.application.runService(gracefulShutdownSignals: [])
            } catch {
                fatalError("failoverd did not start: \(error)")
            }
        }
        guard listening.wait(timeout: .now() + 30) == .success else { fatalError("failoverd did not listen within 30 s") }
        return FuzzedDaemon(port: configuration.port)
    }
}

private let listening = DispatchSemaphore(value: 0)
