import FailoverCore
import FoundationEssentials
import Hummingbird
import HummingbirdTesting
import Testing

@testable import FailoverDaemon

@Suite("a cloud copy that keeps exiting right after it starts")
struct CrashLoopTests {
    // MARK: The guard alone

    @Test func waitsDoubleFromOneSecondUpToTheMaximum() {
        var guardian = CrashLoopGuard(maximumDelay: .seconds(5))
        let origin = ContinuousClock.now
        var waits: [Duration] = []
        for attempt in 0..<5 {
            let startedAt = origin + .seconds(attempt * 100)
            guardian.started(at: startedAt, wall: Date(timeIntervalSince1970: 0))
            if case .quickExit(let wait, _) = guardian.foundNotRunning(at: startedAt + .milliseconds(200)) { waits.append(wait) }
        }
        #expect(waits == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
        #expect(guardian.quickExits == 5)
    }

    @Test func aCopyThatRanPastTheSettleTimeIsRestartedAtOnce() {
        var guardian = CrashLoopGuard(maximumDelay: .seconds(60))
        let origin = ContinuousClock.now
        guardian.started(at: origin, wall: Date(timeIntervalSince1970: 0))
        #expect(guardian.foundNotRunning(at: origin + CrashLoopGuard.settleTime) == .exitAfterSettling)
        #expect(guardian.remainingWait(at: origin + CrashLoopGuard.settleTime) == nil)
        #expect(guardian.quickExits == 0)
    }

    @Test func oneExitIsJudgedOnceHoweverOftenItIsSeen() {
        var guardian = CrashLoopGuard(maximumDelay: .seconds(60))
        let origin = ContinuousClock.now
        guardian.started(at: origin, wall: Date(timeIntervalSince1970: 0))
        _ = guardian.foundNotRunning(at: origin + .milliseconds(100))
        #expect(guardian.foundNotRunning(at: origin + .milliseconds(200)) == nil)
        #expect(guardian.quickExits == 1)
    }

    @Test func stayingUpForTheSettleTimeEndsTheStreak() {
        var guardian = CrashLoopGuard(maximumDelay: .seconds(60))
        let origin = ContinuousClock.now
        _ = guardian.startFailed(at: origin)
        guardian.started(at: origin + .seconds(1), wall: Date(timeIntervalSince1970: 0))
        #expect(guardian.foundRunning(at: origin + .seconds(5)) == nil, "not settled yet")
        #expect(guardian.quickExits == 1)
        #expect(guardian.foundRunning(at: origin + .seconds(11)) == .settled)
        #expect(guardian.quickExits == 0)
    }

    @Test func aCopyNoLongerWantedEndsTheStreakAndOnlyAStreakChangesStatus() {
        var guardian = CrashLoopGuard(maximumDelay: .seconds(60))
        let origin = ContinuousClock.now
        let wall = Date(timeIntervalSince1970: 1_000)
        guardian.started(at: origin, wall: wall)
        let exit = guardian.observed(.stopped, wantedRunning: true, at: origin + .milliseconds(300))
        #expect(exit.verdict == .quickExit(wait: .seconds(1), startRecordedAt: wall) && exit.changed)
        #expect(
            guardian.status(at: origin + .milliseconds(300), wall: wall) == CrashLoopStatus(quickExits: 1, nextStartAt: wall.addingTimeInterval(1))
        )
        // Starting, not yet serving: nothing to judge.
        #expect(guardian.observed(.notReady, wantedRunning: true, at: origin + .milliseconds(400)) == (nil, false))
        // Failed back while it kept exiting: the streak ends, and status no longer shows it.
        let failedBack = guardian.observed(.stopped, wantedRunning: false, at: origin + .seconds(1))
        #expect(failedBack.verdict == nil && failedBack.changed)
        #expect(guardian.status(at: origin + .seconds(1), wall: wall) == nil)
        #expect(guardian.observed(.stopped, wantedRunning: false, at: origin + .seconds(2)) == (nil, false), "nothing left to end")
    }

    // MARK: The controller

    @Test func restartsAreSpacedAndTheStatusSaysCrashLooping() async throws {
        let runtime = FakeCloudRuntime()
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory, clock: clock)
        _ = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
        #expect(runtime.starts == 1)

        // The copy dies 0.2 s after its start (its port was taken): no restart for 1 s.
        runtime.set { $0.actual = .stopped }
        clock.advance(by: .milliseconds(200))
        #expect(await daemon.controller.reconcile() == .backingOff(until: clock.now().addingTimeInterval(1)))
        #expect(await daemon.controller.reconcile() == .backingOff(until: clock.now().addingTimeInterval(1)))
        #expect(runtime.starts == 1)
        let report = await daemon.controller.report()
        #expect(report.crashLoop?.quickExits == 1)
        #expect(report.summary.contains("cloud copy crash-looping (1 quick exit), next try in 1 s"), "\(report.summary)")
        #expect(report.lastFailover?.runningAt == nil, "a start whose copy exited at once is not a failover that worked")
        #expect(report.rendered().contains("  crash loop: 1 quick exit in a row; next start at \(RFC3339.format(clock.now().addingTimeInterval(1)))"))

        // After the wait, one start; it dies again, and the next wait is twice as long.
        clock.advance(by: .seconds(1))
        _ = await daemon.controller.reconcile()
        #expect(runtime.starts == 2)
        runtime.set { $0.actual = .stopped }
        clock.advance(by: .milliseconds(200))
        #expect(await daemon.controller.reconcile() == .backingOff(until: clock.now().addingTimeInterval(2)))

        // The third start holds: after the settle time the streak is over and the gauge says so.
        clock.advance(by: .seconds(2))
        _ = await daemon.controller.reconcile()
        #expect(runtime.starts == 3)
        clock.advance(by: CrashLoopGuard.settleTime)
        #expect(await daemon.controller.reconcile() == .inSync)
        #expect(await daemon.controller.report().crashLoop == nil)
        #expect(await daemon.controller.report().lastFailover?.runningAt != nil)
        try await daemon.application.test(.router) { client in
            let metrics = String(buffer: try await client.metrics().body)
            #expect(metrics.contains("failoverd_cloud_copy_quick_exits 0.0\n"), "\(metrics)")
            #expect(metrics.contains(#"failoverd_cloud_copy_exits_total{when="quick"} 2"#))
        }

        // A copy that had settled and dies is restarted at once.
        runtime.set { $0.actual = .stopped }
        #expect(await daemon.controller.reconcile() == .acted(.start))
        #expect(runtime.starts == 4)
    }

    @Test func aStartTheEngineRefusesWaitsAndTheWebhookIsToldToRetry() async throws {
        let runtime = FakeCloudRuntime()
        runtime.set { $0.startFailure = .exitedWhileStarting }
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory, clock: clock)

        try await daemon.application.test(.router) { client in
            #expect(try await client.postWebhook(webhookBody("firing")).status == .serviceUnavailable)
            // Alertmanager's retry and the copy's own events come at once: no start is tried.
            let retry = try await client.postWebhook(webhookBody("firing"))
            #expect(retry.status == .serviceUnavailable)
            #expect(String(buffer: retry.body).contains("keeps exiting right after it starts; next start at"))
        }
        #expect(runtime.failedStarts == 1)

        clock.advance(by: .seconds(1))
        runtime.set { $0.startFailure = nil }
        #expect(await daemon.controller.reconcile() == .acted(.start))
    }

    @Test func aFailbackWhileTheCopyKeepsExitingEndsTheCrashLoop() async throws {
        let runtime = FakeCloudRuntime()
        runtime.set { $0.startFailure = .exitedWhileStarting }
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory, holdDown: .seconds(5), clock: clock)
        _ = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
        #expect(await daemon.controller.report().crashLoop?.quickExits == 1)

        // On-prem is back and the hold-down passes; the copy never came up, so nothing is stopped.
        _ = await daemon.controller.receive(try webhook("resolved", endsAt: RFC3339.format(clock.now())), deadline: .seconds(5))
        clock.advance(by: .seconds(6))
        #expect(await daemon.controller.reconcile() == .inSync)

        #expect(await daemon.controller.report().crashLoop == nil, "CloudCopyCrashLooping must not go on firing after failback")
        try await daemon.application.test(.router) { client in
            let metrics = String(buffer: try await client.metrics().body)
            #expect(metrics.contains("failoverd_cloud_copy_quick_exits 0"), "\(metrics)")
        }
    }

    @Test func aStopEndsTheCrashLoopSoTheNextFailoverStartsAtOnce() async throws {
        let runtime = FakeCloudRuntime()
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory, holdDown: .seconds(5), clock: clock)
        _ = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
        runtime.set { $0.actual = .stopped }
        clock.advance(by: .milliseconds(200))
        #expect(await daemon.controller.reconcile() == .backingOff(until: clock.now().addingTimeInterval(1)))
        clock.advance(by: .seconds(1))
        _ = await daemon.controller.reconcile()
        _ = await daemon.controller.receive(try webhook("resolved", endsAt: RFC3339.format(clock.now())), deadline: .seconds(5))
        clock.advance(by: .seconds(6))
        #expect(await daemon.controller.reconcile() == .acted(.stop))
        #expect(await daemon.controller.report().crashLoop == nil)
    }
}
