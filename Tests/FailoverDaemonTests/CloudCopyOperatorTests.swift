import FailoverCore
import FoundationEssentials
import Logging
import Prometheus
import Testing

@testable import FailoverDaemon

@Suite("cloud copy operator: the runtime calls a pass makes and what it keeps of them")
struct CloudCopyOperatorTests {
    /// Decisions the test sets, recording what the operator tells them.
    actor Decisions: CloudCopyDecisions {
        var planned: PlannedAction = .nothing
        var wantsRunning = false
        let reason = "test"
        private(set) var startsRecorded: [Date] = []
        private(set) var startsRetracted: [Date] = []
        private(set) var wakes: [ConvergenceWakeReason: Duration] = [:]
        private let cloudCopy: CloudCopyOperator

        init(runtime: FakeCloudRuntime, clock: ManualClock) {
            let metrics = DaemonMetrics(registry: PrometheusCollectorRegistry())
            let journal = DecisionJournal(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, metrics: metrics)
            cloudCopy = CloudCopyOperator(runtime: runtime, journal: journal, clock: clock, maximumRestartDelay: .seconds(60))
        }

        func set(planned: PlannedAction, wantsRunning: Bool) {
            self.planned = planned
            self.wantsRunning = wantsRunning
        }

        func converge() async -> ConvergenceOutcome { await cloudCopy.converge(for: self) }
        var observations: RuntimeObservations { cloudCopy.observations }
        var quickExits: Int { cloudCopy.crashLoop.quickExits }
        var consecutiveFailures: Int { cloudCopy.consecutiveFailures }

        func plan(for actual: ActualState) -> PlannedAction { planned }
        func recordStart(at finishedAt: Date) { startsRecorded.append(finishedAt) }
        func recordStop(at finishedAt: Date) {}
        func retractStart(recordedAt: Date) { startsRetracted.append(recordedAt) }
        func persist() -> Bool { true }
        func wake(_ reason: ConvergenceWakeReason, after delay: Duration?) { wakes[reason] = delay }
        func wake(at date: Date?) {}
        func publish() {}
    }

    @Test func aCopyGoneRightAfterItsStartIsRetractedAndTheNextStartWaits() async {
        let runtime = FakeCloudRuntime()
        let clock = ManualClock()
        let decisions = Decisions(runtime: runtime, clock: clock)
        await decisions.set(planned: .start, wantsRunning: true)
        #expect(await decisions.converge() == .acted(.start))
        let started = await decisions.startsRecorded
        // the copy exits 2 s after its start
        clock.advance(by: .seconds(2))
        runtime.set { $0.actual = .stopped }
        #expect(await decisions.converge() == .backingOff(until: clock.now().addingTimeInterval(1)))
        #expect(await decisions.startsRetracted == started)
        #expect(await decisions.quickExits == 1)
        #expect(await decisions.wakes[.crashLoop] == .seconds(1))
        #expect(runtime.starts == 1, "no start while the crash-loop wait runs")
    }

    @Test func observeOnlyNotesTheWithheldActionOnceAndCallsNoAction() async {
        let runtime = FakeCloudRuntime()
        runtime.set { $0.actual = .stopped }
        let clock = ManualClock()
        let decisions = Decisions(runtime: runtime, clock: clock)
        await decisions.set(planned: .withheld(.start), wantsRunning: true)
        let dueSince = clock.now()
        #expect(await decisions.converge() == .withheld(.start))
        clock.advance(by: .seconds(30))
        #expect(await decisions.converge() == .withheld(.start))
        let withheld = await decisions.observations.withheld
        #expect(withheld?.action == .start && withheld?.since == dueSince, "due since the first pass that withheld it")
        #expect(runtime.starts == 0 && runtime.prepares == 0)
    }

    @Test func anUnreachableRuntimeCountsAFailureAndShowsAsDown() async {
        let runtime = FakeCloudRuntime()
        let decisions = Decisions(runtime: runtime, clock: ManualClock())
        #expect(await decisions.converge() == .inSync)
        runtime.set { $0.failure = RuntimeFailure(kind: .unreachable, detail: "docker.sock: connection refused") }
        guard case .failed = await decisions.converge() else {
            Issue.record("not a failed pass")
            return
        }
        #expect(await decisions.consecutiveFailures == 1)
        let observations = await decisions.observations
        #expect(!observations.runtimeUp && observations.lastError?.what.contains("connection refused") == true)
    }
}
