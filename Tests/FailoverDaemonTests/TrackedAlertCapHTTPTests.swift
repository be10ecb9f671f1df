import FailoverCore
import FailoverDaemon
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("the tracked-alert cap over HTTP")
struct TrackedAlertCapHTTPTests {
    /// A firing webhook of `count` distinct OnPremDown alerts (fingerprints `fp-<first>`...).
    private func flood(_ count: Int, first: Int = 0) -> String {
        let alerts = (first..<first + count).map { index in
            #"{"status":"firing","labels":{"alertname":"OnPremDown","site":"s\#(index)"},"annotations":{},"#
                + #""startsAt":"2026-12-05T06:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"fp-\#(index)"}"#
        }
        return #"{"version":"4","groupKey":"flood","truncatedAlerts":0,"status":"firing","receiver":"failoverd","groupLabels":{},"#
            + #""commonLabels":{},"commonAnnotations":{},"externalURL":"http://am","alerts":["# + alerts.joined(separator: ",") + "]}"
    }

    @Test func noticesBeyondTheCapGet422WithTheFixAndTheRestIsApplied() async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory) {
            $0.service.maximumTrackedAlerts = 3
            $0.maximumBodyBytes = 1 << 20
        }
        try await daemon.application.test(.router) { client in
            let reply = try await client.postWebhook(flood(5))
            #expect(reply.status == .unprocessableContent, "a retry would be refused again: Alertmanager must not retry")
            let text = String(buffer: reply.body)
            #expect(text.contains("2 new trigger alerts refused"), "\(text)")
            #expect(text.contains("max_tracked_alerts"))
            let metrics = String(buffer: try await client.metrics().body)
            #expect(metrics.contains(#"failoverd_alert_notices_total{outcome="over_capacity"} 2"#))
            #expect(metrics.contains(#"failoverd_webhook_requests_total{code="422"} 1"#))
        }
        #expect(runtime.starts == 1, "the alerts within the cap fail over as always")
        #expect(await daemon.controller.report().trackedAlerts == 3)
    }

    @Test func statusListsTheNewestHundredAndTheTotal() async throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory) { $0.maximumBodyBytes = 1 << 20 }
        _ = await daemon.controller.receive(try WebhookPayloadError.decode(Array(flood(150).utf8)), deadline: .seconds(5))

        let report = await daemon.controller.report()
        #expect(report.firingTriggerAlertsTotal == 150)
        #expect(report.firingTriggerAlerts.count == StatusReport.firingAlertsShown)
        #expect(report.rendered().contains("  firing: 150 trigger alerts, the newest 100 below"))
    }
}
