import FailoverDaemon
import FoundationEssentials
import Testing

@Suite("failoverd status output")
struct StatusRenderTests {
    @Test func statusPrintsTheSummaryFiringAlertsAndTheLastFailoverPhases() throws {
        // setup: a report as the daemon's /status sends it
        let json = #"""
            {"desired":"running","actual":"running","health":"healthy","paused":false,"container_id":"0123456789abcdef",
             "firing_trigger_alerts":[{"fingerprint":"fp1","alertname":"OnPremDown","labels":{"alertname":"OnPremDown","site":"dc1","job":"api"},"startsAt":"2026-11-23T10:00:00Z"}],
             "firing_trigger_alerts_total":1,"tracked_alerts":1,
             "failed_over_since":"2026-11-23T10:00:01Z","reason":"failed over: OnPremDown firing (1 trigger alert)",
             "last_action":{"at":"2026-11-23T10:00:02Z","what":"start 0123456789ab"},
             "last_failover":{"triggered_at":"2026-11-23T10:00:01Z","running_at":"2026-11-23T10:00:02Z"},
             "summary":"failed over since 2026-11-23T10:00:01Z: OnPremDown firing (1)"}
            """#
        let report = try JSONDecoder().decode(StatusReport.self, from: Data(json.utf8))

        // act
        let lines = report.rendered().split(separator: "\n").map(String.init)

        // check
        #expect(lines[0] == "failoverd: failed over since 2026-11-23T10:00:01Z: OnPremDown firing (1)")
        #expect(lines.contains("  desired: running   actual: running (healthy)   paused: false"))
        #expect(lines.contains("  container: 0123456789ab"))
        #expect(lines.contains("  firing: OnPremDown job=api,site=dc1 since 2026-11-23T10:00:00Z [fp1]"))
        #expect(lines.contains("  last action: start 0123456789ab at 2026-11-23T10:00:02Z"))
        #expect(lines.contains("  last failover: triggered 2026-11-23T10:00:01Z, running 2026-11-23T10:00:02Z"))
        #expect(!lines.contains { $0.contains("last error") }, "no error line when nothing failed")
    }
}
