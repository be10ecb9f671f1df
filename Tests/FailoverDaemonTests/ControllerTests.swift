import FailoverCore
import FailoverDaemon
import FoundationEssentials
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("failoverd controller")
struct ControllerTests {
    @Test func aBurstOfIdenticalWebhooksStartsExactlyOnce() async throws {
        let runtime = FakeCloudContainer()
        runtime.set { $0.startDelay = .milliseconds(200) }
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        let payload = try WebhookPayloadError.decode(Array(webhookBody("firing").utf8))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask { _ = await daemon.controller.receive(payload, deadline: .seconds(5)) }
            }
        }
        #expect(runtime.starts == 1)
    }

    @Test func stateSurvivesARestart() async throws {
        let runtime = FakeCloudContainer()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let first = try await makeDaemon(runtime, stateDirectory: directory)
        _ = await first.controller.receive(try WebhookPayloadError.decode(Array(webhookBody("firing").utf8)), deadline: .seconds(5))
        _ = await first.controller.setPaused(true)

        let restarted = try await makeDaemon(runtime, stateDirectory: directory)
        let report = await restarted.controller.report()
        #expect(report.firingTriggerAlerts.map(\.fingerprint) == ["fp1"])
        #expect(report.paused)
        #expect(report.desired == .running)
    }

    @Test func corruptStateIsMovedAsideAndARunningCopyIsAdopted() async throws {
        let runtime = FakeCloudContainer()
        runtime.set { $0.actual = .running }
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let garbage = "{\"alerts\": [trunc"
        try #require(FileManager.default.createFile(atPath: directory + "/state.json", contents: Data(garbage.utf8)))

        let daemon = try await makeDaemon(runtime, stateDirectory: directory, holdDown: 60)
        let report = await daemon.controller.report()
        #expect(report.desired == .running)
        #expect(report.reason.contains("adopted"))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.contains { $0.hasPrefix("state.json.corrupt-") })
        let saved = try JSONDecoder().decode(FailoverState.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/state.json")))
        #expect(saved.holdDownUntil != nil)
    }

    @Test func reconcileRestartsACopyThatDiedAndStopsAfterHoldDown() async throws {
        let runtime = FakeCloudContainer()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory, holdDown: 0.2)
        _ = await daemon.controller.receive(try WebhookPayloadError.decode(Array(webhookBody("firing").utf8)), deadline: .seconds(5))
        runtime.set { $0.actual = .missing }

        #expect(await daemon.controller.reconcile() == .acted("start"))
        #expect(runtime.starts == 2)

        let resolved = webhookBody("resolved", endsAt: "2026-11-23T10:05:00Z")
        _ = await daemon.controller.receive(try WebhookPayloadError.decode(Array(resolved.utf8)), deadline: .seconds(5))
        #expect(await daemon.controller.reconcile() == .inSync)
        try await Task.sleep(for: .milliseconds(250))
        #expect(await daemon.controller.reconcile() == .acted("stop"))
        #expect(runtime.actual == .stopped)
    }

    @Test func unwritableStateDirectoryIsReportedNotIgnored() async throws {
        let runtime = FakeCloudContainer()
        let directory = makeStateDirectory()
        defer { chmod(directory, 0o700); removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        guard getuid() != 0 else {
            // root ignores permission bits; make the path a file instead so rename fails.
            removeDirectory(directory)
            try #require(FileManager.default.createFile(atPath: directory, contents: Data()))
            let outcome = await daemon.controller.receive(try WebhookPayloadError.decode(Array(webhookBody("firing").utf8)), deadline: .seconds(5))
            #expect(outcome.persisted == false)
            #expect(await daemon.controller.report().lastError?.what.contains("state not saved") == true)
            removeDirectory(directory)
            return
        }
        chmod(directory, 0o500)
        let outcome = await daemon.controller.receive(try WebhookPayloadError.decode(Array(webhookBody("firing").utf8)), deadline: .seconds(5))
        #expect(outcome.persisted == false)
    }
}
