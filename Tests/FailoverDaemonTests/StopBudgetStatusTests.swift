import FailoverCore
import FailoverDaemon
import FoundationEssentials
import InMemoryLogging
import Logging
import Testing

@Suite("a stop the stop budget defers")
struct StopBudgetStatusTests {
    @Test func statusSaysStopDeferredAndTheJournalSaysItOnce() async throws {
        let runtime = FakeCloudRuntime()
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let log = InMemoryLogHandler()
        let daemon = try await makeDaemon(
            runtime,
            stateDirectory: directory,
            holdDown: .seconds(5),
            clock: clock,
            logger: Logger(label: "test") { _ in log }
        ) { $0.service.maximumStopsPerWindow = 1 }
        for round in 0..<2 {
            _ = await daemon.controller.receive(try flap("firing", round: round), deadline: .seconds(5))
            _ = await daemon.controller.receive(try flap("resolved", round: round), deadline: .seconds(5))
            clock.advance(by: .seconds(6))
            _ = await daemon.controller.reconcile()
        }

        // Several passes find the stop still deferred.
        for _ in 0..<3 { _ = await daemon.controller.reconcile() }

        let report = await daemon.controller.report()
        let until = try #require(report.stopDeferredUntil)
        #expect(report.summary.hasPrefix("on-prem recovered; stop deferred by the stop budget until \(until) (at most 1 stop per 3600 s)"))
        #expect(report.rendered().contains("  stop deferred by the stop budget until \(until)"))
        #expect(log.entries.filter { "\($0.message)".hasPrefix("stop deferred") }.count == 1)
        #expect(runtime.stops == 1)

        // Once the window frees, the stop happens and the status is standby again.
        clock.advance(by: .seconds(3600))
        #expect(await daemon.controller.reconcile() == .acted(.stop))
        #expect(await daemon.controller.report().stopDeferredUntil == nil)
    }
}

/// Round `round` of a flapping on-prem: the same alert, a new episode each time.
func flap(_ status: String, round: Int) throws -> AlertmanagerWebhook {
    let startsAt = RFC3339.format(Date(timeIntervalSince1970: 1_795_000_000 + Double(round) * 100))
    let endsAt = status == "resolved" ? startsAt : "0001-01-01T00:00:00Z"
    let body = #"""
        {"version":"4","groupKey":"g","truncatedAlerts":0,"status":"\#(status)","receiver":"failoverd",
         "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am",
         "alerts":[{"status":"\#(status)","labels":{"alertname":"OnPremDown"},"annotations":{},
         "startsAt":"\#(startsAt)","endsAt":"\#(endsAt)","generatorURL":"","fingerprint":"fp-flap"}]}
        """#
    return try WebhookPayloadError.decode(Array(body.utf8))
}
