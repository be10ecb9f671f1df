import FailoverCore
import FailoverDaemon
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import TestFixtures
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
        let saved = try String(contentsOfFile: directory + "/state.json", encoding: .utf8)
        #expect(saved.contains(#""holdDownUntil" : ""#), "the adoption's hold-down is saved")
    }

    @Test func reconcileRestartsACopyThatDiedAndStopsAfterHoldDown() async throws {
        let runtime = FakeCloudRuntime()
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory, holdDown: .seconds(120), clock: clock)
        _ = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
        // The copy runs for a while, then vanishes: restarted at once (no crash loop).
        clock.advance(by: .seconds(30))
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

    @Test func theSwarmManagerThatAnsweredIsAMetricThatMovesWithIt() async throws {
        let runtime = FakeCloudRuntime()
        runtime.set { $0.answeredBy = "/run/node1.sock" }
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        _ = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
        // Node 1 is lost; the next call is answered through node 2.
        runtime.set { $0.answeredBy = "/run/node2.sock" }
        _ = await daemon.controller.reconcile()
        try await daemon.application.test(.router) { client in
            let metrics = String(buffer: try await client.metrics().body)
            #expect(metrics.contains(#"failoverd_docker_manager_answering{socket="/run/node1.sock"} 0.0"#), "\(metrics)")
            #expect(metrics.contains(#"failoverd_docker_manager_answering{socket="/run/node2.sock"} 1.0"#))
        }
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

        // The same phases as gauges, for dashboards.
        try await daemon.application.test(.router) { client in
            let metrics = String(buffer: try await client.metrics().body)
            func phase(_ name: String) -> String? {
                let prefix = "failoverd_last_failover_phase_timestamp_seconds{phase=\"\(name)\"} "
                return metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }
                    .flatMap { Double($0.dropFirst(prefix.count)) }.map { RFC3339.format(Date(timeIntervalSince1970: $0)) }
            }
            #expect(phase("triggered") == triggered)
            #expect(phase("recovered") == recovered)
            #expect(phase("stopped") == stopped)
        }
    }

    @Test func aPrewarmStartsTheCloudCopyAndTheStatusSaysSoUntilOnPremDownConfirms() async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        let suspected = Alert(
            status: .firing,
            labels: ["alertname": "OnPremDownSuspected", "site": "dc1"],
            startsAt: Date(timeIntervalSince1970: 1_800_000_000),
            fingerprint: "fp-suspected"
        )

        // act: the pre-warm alert (one failed scrape) arrives first
        let prewarmed = await daemon.controller.receive(AlertmanagerWebhook(status: .firing, alerts: [suspected]), deadline: .seconds(5))

        #expect(prewarmed.convergence == .acted(.start))
        #expect(await daemon.controller.report().summary.hasPrefix("pre-warmed since "))
        #expect(await daemon.controller.report().lastFailover?.confirmedAt == nil)

        // act: OnPremDown confirms the outage
        _ = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))

        let report = await daemon.controller.report()
        #expect(report.summary.hasPrefix("failed over since ") && report.summary.contains(": OnPremDown firing (2)"))
        #expect(report.lastFailover?.confirmedAt != nil)
        #expect(runtime.starts == 1)
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

            // Alertmanager retries the 503 with the same notice: a duplicate, which must still save.
            removeDirectory(directory)
            let retried = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
            #expect(retried.persisted)
            #expect(FileManager.default.fileExists(atPath: directory + "/state.json"))
            return
        }
        chmod(directory, 0o500)
        let outcome = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
        #expect(outcome.persisted == false)
    }

    // MARK: The webhook path does only the work a webhook calls for

    @Test func webhooksThatChangeNothingNeitherCallTheRuntimeNorRewriteTheState() async throws {
        // setup: failed over, with the runtime's change feed live
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        _ = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
        _ = await daemon.controller.runtimeWatchConnected()
        let callsBefore = runtime.calls
        let fileBefore = try stateFileIdentity(directory)

        // act: Alertmanager repeats the trigger and sends an unrelated group, 50 times each
        var outcomes: [FailoverController.WebhookOutcome] = []
        for _ in 0..<50 {
            outcomes.append(await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5)))
            outcomes.append(await daemon.controller.receive(try foreignWebhook(), deadline: .seconds(5)))
        }

        // check
        #expect(runtime.calls == callsBefore, "no observe, start or stop")
        #expect(try stateFileIdentity(directory) == fileBefore, "state.json was not rewritten")
        #expect(outcomes.allSatisfy { $0.convergence == .inSync && $0.persisted })
    }

    @Test func webhooksDuringAStartShareItAndForeignOnesDoNotWaitForIt() async throws {
        // setup: the first trigger's start hangs until released
        let runtime = FakeCloudRuntime()
        runtime.set { $0.holdStarts = true }
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        let first = Task { await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5)) }
        #expect(await eventually { runtime.recorded.withLock { $0.startGate != nil } })

        // act
        let foreign = await daemon.controller.receive(try foreignWebhook(), deadline: .seconds(5))
        let duplicates = (0..<200).map { _ in
            Task { await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5)) }
        }
        runtime.releaseStarts()
        var duplicateOutcomes: [ConvergenceOutcome?] = []
        for duplicate in duplicates { duplicateOutcomes.append(try await duplicate.value.convergence) }

        // check
        #expect(foreign.convergence == nil, "answered at once (200 pending), not after the start")
        #expect(try await first.value.convergence == .acted(.start))
        #expect(duplicateOutcomes.allSatisfy { $0 == .acted(.start) || $0 == .inSync })
        #expect(runtime.starts == 1)
        #expect(runtime.observes == 1, "one convergence: no follow-up for notices that changed nothing")
    }

    @Test func aChangedStateIsCheckedWithTheRuntimeOnlyWhileItsFeedIsDown() async throws {
        // setup: failed over, feed not connected
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        _ = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
        let secondTrigger = try WebhookPayloadError.decode(Array(AlertmanagerFixture.raw("mixed-group-with-unknown-fields").utf8))

        // act + check: a new trigger alert changes the state; without the feed, failoverd looks
        let observesBefore = runtime.observes
        #expect(await daemon.controller.receive(secondTrigger, deadline: .seconds(5)).convergence == .inSync)
        #expect(runtime.observes == observesBefore + 1)

        // with the feed live, the last observation is current and answers the next change
        _ = await daemon.controller.runtimeWatchConnected()
        let observesLive = runtime.observes
        #expect(
            await daemon.controller.receive(try webhook("resolved", endsAt: "2026-11-23T10:05:00Z"), deadline: .seconds(5)).convergence == .inSync
        )
        #expect(runtime.observes == observesLive)
        #expect(runtime.starts == 1)
    }

    @Test func theCloudCopyStopsWhenTheHoldDownEndsNotAtTheNextReconcilePass() async throws {
        // setup: an hour between reconcile passes, a hold-down of 300 ms
        let runtime = FakeCloudRuntime()
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory, holdDown: .milliseconds(300), clock: clock) {
            $0.reconcileInterval = .seconds(3600)
        }
        try await daemon.application.test(.router) { client in
            _ = try await client.postWebhook(webhookBody("firing"))

            // act: the trigger resolves and the hold-down's time passes
            _ = try await client.postWebhook(webhookBody("resolved", endsAt: "2026-11-23T10:05:00Z"))
            clock.advance(by: .seconds(1))

            // check
            #expect(await eventually { runtime.stops == 1 })
            #expect(runtime.actual == .stopped)
        }
    }

    @Test func aCopyThatDiesIsRestartedOnTheRuntimesEventNotAtTheNextReconcilePass() async throws {
        // setup: a reconcile interval of an hour, so only the change feed can explain a restart
        let runtime = FakeCloudRuntime()
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory, clock: clock) { $0.reconcileInterval = .seconds(3600) }
        try await daemon.application.test(.router) { client in
            _ = try await client.postWebhook(webhookBody("firing"))
            #expect(await eventually { runtime.recorded.withLock { $0.feed != nil } && runtime.starts == 1 })

            // act: the copy dies after it had run for a while; Docker says so
            clock.advance(by: .seconds(30))
            runtime.set { $0.actual = .stopped }
            runtime.emitChange()

            // check
            #expect(await eventually { runtime.starts == 2 })
            #expect(runtime.actual == .running)
        }
    }
}

/// An Alertmanager group captured from a real Alertmanager, none of whose alerts is a trigger.
private func foreignWebhook() throws -> AlertmanagerWebhook {
    try WebhookPayloadError.decode(Array(AlertmanagerFixture.raw("non-trigger-group").utf8))
}

/// The state file's inode and modification time: a save replaces the file, so they change.
private func stateFileIdentity(_ directory: String) throws -> String {
    let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/state.json")
    return "\(attributes[.systemFileNumber] ?? "?") \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
}
