import FailoverCore
import Logging
import Synchronization
import Testing

@testable import FailoverDaemon

/// Counts watchdog pings.
private final class PingCounter: Sendable {
    private let count = Atomic<Int>(0)
    func ping() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

@Suite("systemd watchdog")
struct WatchdogTests {
    @Test func aHungRuntimeCallStarvesTheWatchdogUntilTheCallReturns() async throws {
        // setup
        let runtime = FakeCloudRuntime()
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory, clock: clock)
        let pings = PingCounter()
        let limit = Duration.seconds(90)
        let watchdog = WatchdogService(
            controllers: [daemon.controller],
            hook: WatchdogHook(interval: .seconds(15)) { pings.ping() },
            convergenceLimit: limit,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        #expect(await watchdog.check(), "an idle daemon feeds the watchdog")

        // act: a start that hangs
        runtime.set { $0.holdStarts = true }
        let reply = await daemon.controller.receive(try webhook("firing"), deadline: .milliseconds(10))
        #expect(reply.convergence == nil, "the webhook is answered before the hung start returns")
        clock.advance(by: .seconds(60))
        #expect(await watchdog.check(), "a slow start within its limit still feeds the watchdog")
        clock.advance(by: .seconds(31))

        // check
        #expect(await daemon.controller.liveness(limit: limit) == .stalled(for: .seconds(91)))
        #expect(await watchdog.check() == false, "no ping while a convergence is past its limit")
        #expect(pings.value == 2)

        runtime.releaseStarts()
        #expect(await daemon.controller.reconcile() == .inSync, "the held start finished; the copy runs")
        #expect(runtime.starts == 1)
        #expect(await watchdog.check(), "pings resume once the call returns")
    }
}
