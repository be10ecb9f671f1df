import FailoverCore
import FailoverDaemon
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("observe-only mode (mode: observe)")
struct ObserveModeTests {
    @Test func aFailoverIsDecidedAndShownButNothingIsDoneUntilModeIsAct() async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let (daemon, next, _) = try await ReloadTests.reloadableDaemon(in: directory, runtime: runtime) { $0.service.mode = .observe }
        #expect(runtime.prepares == 0, "no standby is made at startup")

        try await daemon.application.test(.router) { client in
            let reply = try await client.postWebhook(webhookBody("firing"))
            #expect(reply.status == .ok, "Alertmanager must not retry what observe mode will never do")
            #expect(String(buffer: reply.body).contains("observe mode: would start the cloud copy; no action taken"))
            let report = await daemon.controller.report()
            #expect(report.mode == "observe" && report.desired == .running)
            #expect(report.withheld?.action == "start")
            let since = try #require(report.withheld.flatMap { RFC3339.parse($0.since) })
            #expect(report.summary.hasPrefix("OBSERVE ONLY: would start the cloud copy (due since "))
            let metrics = String(buffer: try await client.metrics().body)
            #expect(metrics.contains("\nfailoverd_observe_only 1.0\n"))
            #expect(metrics.contains("\nfailoverd_would_act{action=\"start\"} 1.0\n"))
            #expect(metrics.contains("\nfailoverd_would_act{action=\"stop\"} 0.0\n"))
            #expect(metrics.contains("\nfailoverd_would_act_since_timestamp_seconds \(since.timeIntervalSince1970)\n"))

            // A reconcile pass and a repeated webhook change nothing either.
            _ = await daemon.controller.reconcile()
            #expect(try await client.postWebhook(webhookBody("firing")).status == .ok)
            #expect(runtime.starts == 0 && runtime.prepares == 0 && runtime.stops == 0)

            next.set { $0?.service.mode = .act }
            #expect(await daemon.reloader.reload() == .applied(changed: ["mode"], restartRequired: []))
            #expect(await eventually { runtime.starts == 1 }, "acting applies the decision of that moment")
            let acting = await daemon.controller.report()
            #expect(acting.mode == "act" && acting.withheld == nil && !acting.summary.contains("OBSERVE"))
            #expect(String(buffer: try await client.metrics().body).contains("\nfailoverd_would_act{action=\"start\"} 0.0\n"))
        }
    }

    @Test func switchingToActWhileTheRuntimeIsDownWithholdsNothingAnyMore() async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let (daemon, next, _) = try await ReloadTests.reloadableDaemon(in: directory, runtime: runtime) { $0.service.mode = .observe }
        try await daemon.application.test(.router) { client in
            #expect(try await client.postWebhook(webhookBody("firing")).status == .ok)
            #expect(await daemon.controller.report().withheld?.action == "start")

            runtime.set { $0.failure = RuntimeFailure(kind: .unreachable, detail: "docker.sock: connection refused") }
            next.set { $0?.service.mode = .act }
            #expect(await daemon.reloader.reload() == .applied(changed: ["mode"], restartRequired: []))
            _ = await daemon.controller.reconcile()
            let acting = await daemon.controller.report()
            #expect(acting.mode == "act" && acting.withheld == nil, "acting holds nothing back, though the start cannot run yet")
            let metrics = String(buffer: try await client.metrics().body)
            #expect(metrics.contains("\nfailoverd_would_act{action=\"start\"} 0.0\n"))
            #expect(runtime.starts == 0)
        }
    }
}
