import FailoverCore
@testable import FailoverDaemon
import Logging
import Synchronization
import Testing

/// Counts watchdog pings.
private final class PingCounter: Sendable {
    private let count = Atomic<Int>(0)
    func ping() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

@Suite("systemd watchdog")
struct WatchdogTests {
    @Test func aHungDockerCallStarvesTheWatchdogUntilTheCallReturns() async throws {
        let runtime = FakeCloudContainer()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        let pings = PingCounter()
        let limit = Duration.milliseconds(100)
        let watchdog = WatchdogService(
            controller: daemon.controller,
            hook: WatchdogHook(interval: .milliseconds(10)) { pings.ping() },
            convergenceLimit: limit,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        let running = Task { try await watchdog.run() }
        defer { running.cancel() }

        try await Task.sleep(for: .milliseconds(100))
        #expect(pings.value > 0, "an idle daemon feeds the watchdog")

        runtime.set { $0.startDelay = .milliseconds(900) }
        _ = await daemon.controller.receive(try WebhookPayloadError.decode(Array(webhookBody("firing").utf8)), deadline: .milliseconds(10))
        try await Task.sleep(for: .milliseconds(300))
        let liveness = await daemon.controller.liveness(limit: limit)
        #expect(liveness != .alive)
        let starved = pings.value
        try await Task.sleep(for: .milliseconds(200))
        #expect(pings.value == starved, "no ping while a convergence is past its limit")

        try await Task.sleep(for: .milliseconds(700))
        #expect(runtime.starts == 1)
        #expect(pings.value > starved, "pings resume once the call returns")
    }
}
