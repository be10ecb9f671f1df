import Synchronization
import Testing

@testable import FailoverDaemon

@Suite("convergence runner: the passes and the timer the schedule asks for")
struct ConvergenceRunnerTests {
    /// Passes that number themselves in the order they began and, when holding, wait until
    /// the test releases them.
    final class Passes: Sendable {
        private struct State {
            var began = 0
            var held: [CheckedContinuation<Void, Never>] = []
        }
        private let state = Mutex(State())
        private let holding: Bool

        init(holding: Bool) { self.holding = holding }

        var pass: ConvergenceRunner<Int>.Pass { { await self.run() } }
        var began: Int { state.withLock { $0.began } }

        func releaseHeld() {
            let held = state.withLock { state in
                defer { state.held = [] }
                return state.held
            }
            for continuation in held { continuation.resume() }
        }

        private func run() async -> Int {
            let number = state.withLock { state in
                state.began += 1
                return state.began
            }
            if holding { await withCheckedContinuation { continuation in state.withLock { $0.held.append(continuation) } } }
            return number
        }
    }

    @Test func requestsMadeWhileAPassRunsShareOneFollowUp() async {
        let runner = ConvergenceRunner<Int>(clock: ManualClock())
        let passes = Passes(holding: true)
        let first = runner.request(passes.pass)
        #expect(await eventually { passes.began == 1 })
        let burst = (0..<10).map { _ in runner.request(passes.pass) }
        passes.releaseHeld()
        #expect(await first.value == 1)
        #expect(await eventually { passes.began == 2 })
        passes.releaseHeld()
        for followUp in burst { #expect(await followUp.value == 2) }
        #expect(passes.began == 2, "ten requests during one pass make one more pass")
    }

    @Test func aWakeUpRunsAPassAndAWithdrawnOneRunsNothing() async {
        let runner = ConvergenceRunner<Int>(clock: ManualClock())
        let passes = Passes(holding: false)
        runner.wake(.decisionDue, after: .milliseconds(30), passes.pass)
        #expect(await eventually { passes.began == 1 })
        runner.wake(.crashLoop, after: .milliseconds(50), passes.pass)
        runner.wake(.crashLoop, after: nil, passes.pass)
        try? await Task.sleep(for: .milliseconds(300))
        #expect(passes.began == 1)
    }

    @Test func aPassRunningPastTheLimitIsReportedWithItsAge() async {
        let clock = ManualClock()
        let runner = ConvergenceRunner<Int>(clock: clock)
        let passes = Passes(holding: true)
        #expect(runner.running(longerThan: .seconds(1)) == nil)
        let run = runner.request(passes.pass)
        #expect(await eventually { passes.began == 1 })
        clock.advance(by: .seconds(5))
        #expect(runner.running(longerThan: .seconds(10)) == nil)
        #expect(runner.running(longerThan: .seconds(1)) == .seconds(5))
        passes.releaseHeld()
        _ = await run.value
        #expect(await eventually { runner.running(longerThan: .zero) == nil })
    }
}
