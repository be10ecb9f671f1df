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
        let runtime = FakeCloudRuntime()
        runtime.set { $0.startDelay = .milliseconds(200) }
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        let payload = try webhook("firing")
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask { _ = await daemon.controller.receive(payload, deadline: .seconds(5)) }
            }
        }
        #expect(runtime.starts == 1)
    }

    @Test func stateSurvivesARestart() async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let first = try await makeDaemon(runtime, stateDirectory: directory)
        _ = await first.controller.receive(try webhook("firing"), deadline: .seconds(5))
        _ = await first.controller.setPaused(true)

        let restarted = try await makeDaemon(runtime, stateDirectory: directory)
        let report = await restarted.controller.report()
        #expect(report.firingTriggerAlerts.map(\.fingerprint) == ["fp1"])
        #expect(report.paused)
        #expect(report.desired == .running)
    }

    @Test func stateWrittenBeforeFailoverPhasesWereRecordedIsRestored() async throws {
        // setup: a state file as the previous release wrote it, without `lastFailover`
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let older = #"""
            {"alerts":{"fp1":{"fingerprint":"fp1","status":"firing","labels":{"alertname":"OnPremDown"},
             "startsAt":785000000,"receivedAt":785000001}},"paused":true,"recentStops":[],"failedOverSince":785000001,
             "reason":"failed over: OnPremDown firing (1 trigger alert)"}
            """#
        try #require(FileManager.default.createFile(atPath: directory + "/state.json", contents: Data(older.utf8)))

        // act
        let report = try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory).controller.report()

        // check
        #expect(report.firingTriggerAlerts.map(\.fingerprint) == ["fp1"])
        #expect(report.paused)
        #expect(report.lastFailover == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).allSatisfy { !$0.contains("corrupt") })
    }

    @Test func corruptStateIsMovedAsideAndARunningCopyIsAdopted() async throws {
        let runtime = FakeCloudRuntime()
        runtime.set { $0.actual = .running }
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let garbage = "{\"alerts\": [trunc"
        try #require(FileManager.default.createFile(atPath: directory + "/state.json", contents: Data(garbage.utf8)))

        let daemon = try await makeDaemon(runtime, stateDirectory: directory, holdDown: .seconds(60))
        let report = await daemon.controller.report()
        #expect(report.desired == .running)
        #expect(report.reason.contains("adopted"))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.contains { $0.hasPrefix("state.json.corrupt-") })
        let saved = try JSONDecoder().decode(FailoverState.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/state.json")))
        #expect(saved.holdDownUntil != nil)
    }

    @Test func reconcileRestartsACopyThatDiedAndStopsAfterHoldDown() async throws {
        let runtime = FakeCloudRuntime()
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory, holdDown: .seconds(120), clock: clock)
        _ = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
        runtime.set { $0.actual = .missing }

        #expect(await daemon.controller.reconcile() == .acted(.start))
        #expect(runtime.starts == 2)

        _ = await daemon.controller.receive(try webhook("resolved", endsAt: "2026-11-23T10:05:00Z"), deadline: .seconds(5))
        clock.advance(by: .seconds(119))
        #expect(await daemon.controller.reconcile() == .inSync, "the hold-down keeps the cloud copy")
        clock.advance(by: .seconds(2))
        #expect(await daemon.controller.reconcile() == .acted(.stop))
        #expect(runtime.actual == .stopped)
    }

    @Test func statusRecordsThePhasesOfTheLastFailover() async throws {
        let runtime = FakeCloudRuntime()
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory, holdDown: .seconds(60), clock: clock)
        let triggered = RFC3339.format(clock.now())
        _ = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
        clock.advance(by: .seconds(10))
        let recovered = RFC3339.format(clock.now())
        _ = await daemon.controller.receive(try webhook("resolved", endsAt: recovered), deadline: .seconds(5))
        clock.advance(by: .seconds(61))
        let stopped = RFC3339.format(clock.now())
        #expect(await daemon.controller.reconcile() == .acted(.stop))

        let episode = try #require(await daemon.controller.report().lastFailover)
        #expect(episode.triggeredAt == triggered)
        #expect(episode.runningAt == triggered, "the start finished at once on the fake")
        #expect(episode.recoveredAt == recovered)
        #expect(episode.stoppedAt == stopped)
    }

    @Test func unwritableStateDirectoryIsReportedNotIgnored() async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer {
            chmod(directory, 0o700)
            removeDirectory(directory)
        }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        guard getuid() != 0 else {
            // root ignores permission bits; make the path a file instead so rename fails.
            removeDirectory(directory)
            try #require(FileManager.default.createFile(atPath: directory, contents: Data()))
            let outcome = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
            #expect(outcome.persisted == false)
            #expect(await daemon.controller.report().lastError?.what.contains("state not saved") == true)
            removeDirectory(directory)
            return
        }
        chmod(directory, 0o500)
        let outcome = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
        #expect(outcome.persisted == false)
    }
}
