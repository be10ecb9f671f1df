import FailoverCore
import FoundationEssentials
import Hummingbird
import HummingbirdTesting
import ServiceSupport
import Testing

@testable import FailoverDaemon

@Suite("failoverd's own probe of on-prem")
struct OnPremProbeTests {
    private func second(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: 1_800_000_000 + seconds) }

    @Test func failuresInARowFailTheProbeAndTheFirstSuccessEndsIt() {
        var tally = ProbeTally(failuresToFail: 2)
        #expect(tally.record(passed: false, at: second(0)) == nil, "one failure is not yet a verdict")
        #expect(tally.record(passed: false, at: second(0.25)) == .init(failing: true, since: second(0)))
        #expect(tally.record(passed: false, at: second(0.5)) == nil, "a failing verdict is said once")
        #expect(tally.record(passed: true, at: second(1)) == .init(failing: false, since: second(1)))
        #expect(tally.record(passed: true, at: second(1.25)) == nil)
    }

    @Test func aSingleFailureBetweenSuccessesIsNoVerdict() {
        var tally = ProbeTally(failuresToFail: 2)
        _ = tally.record(passed: true, at: second(0))
        #expect(tally.record(passed: false, at: second(0.25)) == nil)
        #expect(tally.record(passed: true, at: second(0.5)) == nil)
        #expect(tally.record(passed: false, at: second(0.75)) == nil, "the count starts again after a success")
    }

    @Test func theFirstResultAfterAStartIsAlwaysSaid() {
        // A failing verdict saved before a restart is ended by the first passing probe.
        var tally = ProbeTally(failuresToFail: 3)
        #expect(tally.record(passed: true, at: second(0)) == .init(failing: false, since: second(0)))
    }

    @Test func anOnPremThatRefusesConnectionsIsPrewarmedAndShownAsSuch() async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory) {
            // Nothing listens on port 1 of loopback: every probe is refused at once.
            $0.service.probe = ProbeSettings(url: "http://127.0.0.1:1/health", interval: .milliseconds(50), timeout: .milliseconds(50), failures: 2)
        }
        try await daemon.application.test(.live) { client in
            #expect(await eventually { runtime.starts == 1 }, "the probe's failures pre-warm the cloud copy")
            let status = await daemon.controller.report()
            #expect(status.firingTriggerAlerts.map(\.alertname) == ["OnPremProbeFailing"])
            #expect(status.summary.contains("pre-warmed"))
            let metrics = try await client.metrics()
            let text = String(buffer: metrics.body)
            #expect(text.contains("failoverd_probe_failing 1"))
            #expect(text.contains(#"failoverd_probe_requests_total{result="failed"}"#))
        }
    }

    @Test func theProbeIsCheckedWithTheOtherKeys() throws {
        var settings = ServiceSettings()
        settings.probe = ProbeSettings(url: "onprem:8080/health")
        #expect(throws: ConfigurationError.self) { try settings.validateRules() }
        // Across a WAN the timeout outlasts the interval: a slow probe delays the next one.
        let acrossAWAN = ProbeSettings(url: "http://onprem:8080/health", interval: .milliseconds(100), timeout: .milliseconds(300))
        #expect(throws: Never.self) { try acrossAWAN.validate() }
    }
}
