import FailoverCore
import FoundationEssentials
import Testing

@testable import FailoverDaemon

@Suite("a wall-clock step while failoverd runs")
struct ClockStepTests {
    @Test(arguments: [3600.0, -3600.0])
    func theHoldDownKeepsTheTimeItHadLeft(step: TimeInterval) async throws {
        let runtime = FakeCloudRuntime()
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory, holdDown: .seconds(20), clock: clock)
        _ = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
        _ = await daemon.controller.receive(try webhook("resolved", endsAt: RFC3339.format(clock.now())), deadline: .seconds(5))
        clock.advance(by: .seconds(2))

        clock.stepWall(by: step)

        #expect(await daemon.controller.reconcile() == .inSync, "18 s of the hold-down are left")
        let report = await daemon.controller.report()
        #expect(report.holdDownRemainingSeconds == 18)
        #expect(report.holdDownUntil == RFC3339.format(clock.now().addingTimeInterval(18)), "shown in the new clock's time")
        clock.advance(by: .seconds(17))
        #expect(await daemon.controller.reconcile() == .inSync)
        clock.advance(by: .seconds(2))
        #expect(await daemon.controller.reconcile() == .acted(.stop))
        #expect(runtime.stops == 1)
    }

    @Test func aForwardStepDoesNotFreeTheStopBudget() async throws {
        let runtime = FakeCloudRuntime()
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory, holdDown: .seconds(5), clock: clock) {
            $0.service.maximumStopsPerWindow = 1
        }
        for round in 0..<2 {
            _ = await daemon.controller.receive(try flap("firing", round: round), deadline: .seconds(5))
            _ = await daemon.controller.receive(try flap("resolved", round: round), deadline: .seconds(5))
            clock.advance(by: .seconds(6))
            if round == 0 {
                #expect(await daemon.controller.reconcile() == .acted(.stop))
                clock.stepWall(by: 3600)
            }
        }
        guard case .deferred = await daemon.controller.reconcile() else {
            Issue.record("the second stop within the hour must wait for the budget; stops: \(runtime.stops)")
            return
        }
        #expect(runtime.stops == 1)
    }

    @Test func theSavedStateHoldsTheMovedTimes() async throws {
        let runtime = FakeCloudRuntime()
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory, holdDown: .seconds(20), clock: clock)
        _ = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
        _ = await daemon.controller.receive(try webhook("resolved", endsAt: RFC3339.format(clock.now())), deadline: .seconds(5))
        clock.stepWall(by: 3600)
        _ = await daemon.controller.report()

        let restarted = try await makeDaemon(runtime, stateDirectory: directory, holdDown: .seconds(20), clock: clock)
        #expect(await restarted.controller.report().holdDownRemainingSeconds == 20)
    }

    @Test func slewAndNoiseAreNotSteps() {
        let origin = ContinuousClock.now
        var detector = ClockStepDetector(wall: Date(timeIntervalSince1970: 1000), monotonic: origin)
        #expect(detector.step(wall: Date(timeIntervalSince1970: 1010.5), monotonic: origin + .seconds(10)) == nil)
        #expect(detector.step(wall: Date(timeIntervalSince1970: 4610.5), monotonic: origin + .seconds(10)) == 3600)
    }
}
