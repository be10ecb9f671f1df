import Testing

@testable import FailoverDaemon

@Suite("when convergences run: one at a time, one shared follow-up, one timer")
struct ConvergenceScheduleTests {
    typealias Schedule = ConvergenceSchedule<Int>
    static let origin = ContinuousClock.now

    /// What the daemon around the schedule can do next; only what a real caller can do in the
    /// state it is in (a run ends only while one runs, a follow-up begins only once its
    /// predecessor ended).
    enum Step: CaseIterable, CustomStringConvertible {
        case request, runEnds, followUpBegins
        var description: String { "\(self)" }
    }

    /// A caller that makes runs as the schedule says and remembers, per run, when it began.
    struct Caller {
        var schedule = Schedule()
        var runsMade = 0
        var began: [Int: Int] = [:]
        var steps = 0
        /// (step of the request, run that serves it)
        var served: [(at: Int, by: Int)] = []

        mutating func perform(_ step: Step) -> Bool {
            let now = ConvergenceScheduleTests.origin + .seconds(steps)
            switch (step, schedule.state) {
            case (.request, _):
                let run: Int
                switch schedule.request() {
                case .start:
                    run = makeRun()
                    schedule.started(run, at: now)
                    began[run] = steps
                case .queueFollowUp:
                    run = makeRun()
                    schedule.queued(run)
                case .join(let followUp):
                    run = followUp
                }
                served.append((steps, run))
            case (.runEnds, .running), (.runEnds, .runningWithFollowUp):
                schedule.finished()
            case (.followUpBegins, .followUpStarting(let run)):
                schedule.followUpBegan(at: now)
                began[run] = steps
            default:
                return false
            }
            steps += 1
            return true
        }

        private mutating func makeRun() -> Int {
            runsMade += 1
            return runsMade
        }

        var current: Int? {
            if case .running(let current, _) = schedule.state { current } else { nil }
        }

        var pendingFollowUp: Int? {
            switch schedule.state {
            case .runningWithFollowUp(_, _, let followUp), .followUpStarting(let followUp): followUp
            case .idle, .running: nil
            }
        }

        var runningCount: Int {
            switch schedule.state {
            case .running, .runningWithFollowUp: 1
            case .idle, .followUpStarting: 0
            }
        }
    }

    /// Every sequence of up to 14 steps a caller can take (6,642), each checked after
    /// every step: one run at a time, every request served by a run that looks at the runtime
    /// no earlier than the request, and never more than one run waiting.
    @Test func everyReachableSequenceKeepsSingleFlight() {
        var sequences = 0
        func explore(_ caller: Caller, depth: Int) {
            sequences += 1
            guard depth > 0 else { return }
            for step in Step.allCases {
                var next = caller
                guard next.perform(step) else { continue }
                #expect(next.runningCount <= 1)
                #expect((next.schedule.runningSince != nil) == (next.runningCount == 1))
                for (requestedAt, run) in next.served {
                    if let beganAt = next.began[run] { #expect(beganAt >= requestedAt, "a request was served by a run that had already looked") }
                }
                // A run made and not begun is the one follow-up the schedule holds: none waits
                // beside it, and none is dropped.
                let notBegun = (0..<next.runsMade).map { $0 + 1 }.filter { next.began[$0] == nil }
                #expect(notBegun == next.pendingFollowUp.map { [$0] } ?? [], "after \(step)")
                #expect(next.schedule.newestRun == next.pendingFollowUp ?? next.current)
                explore(next, depth: depth - 1)
            }
        }
        explore(Caller(), depth: 14)
        #expect(sequences >= 6_000)
    }

    @Test func aBurstDuringARunMakesOneFollowUp() {
        var caller = Caller()
        for _ in 0..<50 { _ = caller.perform(.request) }
        #expect(caller.runsMade == 2)
        #expect(Set(caller.served.dropFirst().map(\.by)) == [2])
        _ = caller.perform(.runEnds)
        // Still not begun, so a request now needs no third run.
        _ = caller.perform(.request)
        #expect(caller.runsMade == 2)
        _ = caller.perform(.followUpBegins)
        _ = caller.perform(.request)
        #expect(caller.runsMade == 3)
    }

    @Test func theWatchdogSeesWhenTheRunningRunBegan() {
        var schedule = Schedule()
        #expect(schedule.runningSince == nil)
        schedule.started(1, at: Self.origin)
        schedule.queued(2)
        #expect(schedule.runningSince == Self.origin)
        let followUpDue = schedule.finished()
        #expect(followUpDue)
        #expect(schedule.runningSince == nil)
        schedule.followUpBegan(at: Self.origin + .seconds(5))
        #expect(schedule.runningSince == Self.origin + .seconds(5))
        let anotherDue = schedule.finished()
        #expect(!anotherDue)
        #expect(schedule.runningSince == nil)
    }

    // MARK: Impossible reports stop the process

    @Test func aRunEndingWhenNoneRunsIsCaught() async {
        await #expect(processExitsWith: .failure) {
            var schedule = ConvergenceSchedule<Int>()
            schedule.finished()
        }
    }

    @Test func aSecondStartIsCaught() async {
        await #expect(processExitsWith: .failure) {
            var schedule = ConvergenceSchedule<Int>()
            schedule.started(1, at: .now)
            schedule.started(2, at: .now)
        }
    }

    @Test func aFollowUpWithoutARunIsCaught() async {
        await #expect(processExitsWith: .failure) {
            var schedule = ConvergenceSchedule<Int>()
            schedule.queued(1)
        }
    }

    @Test func aFollowUpBeginningBeforeItsPredecessorEndedIsCaught() async {
        await #expect(processExitsWith: .failure) {
            var schedule = ConvergenceSchedule<Int>()
            schedule.started(1, at: .now)
            schedule.queued(2)
            schedule.followUpBegan(at: .now)
        }
    }

    // MARK: Wake-ups

    @Test func theTimerIsArmedAtTheEarliestWakeUp() {
        var schedule = Schedule()
        let holdDownEnds = Self.origin + .seconds(120)
        let crashLoopWaitEnds = Self.origin + .seconds(4)
        var armed = schedule.wake(.decisionDue, at: holdDownEnds)
        #expect(armed == holdDownEnds)
        armed = schedule.wake(.crashLoop, at: crashLoopWaitEnds)
        #expect(armed == crashLoopWaitEnds)
        // A new hold-down replaces the old one rather than adding to it.
        armed = schedule.wake(.decisionDue, at: Self.origin + .seconds(2))
        #expect(armed == Self.origin + .seconds(2))
        armed = schedule.wake(.decisionDue, at: nil)
        #expect(armed == crashLoopWaitEnds)
        armed = schedule.wake(.crashLoop, at: nil)
        #expect(armed == nil)
    }

    @Test func aFiredTimerServesEveryWakeUpUpToItsDeadlineOnce() {
        var schedule = Schedule()
        let first = Self.origin + .seconds(1)
        let later = Self.origin + .seconds(30)
        _ = schedule.wake(.crashLoop, at: first)
        _ = schedule.wake(.decisionDue, at: later)
        var armed = schedule.timerFired(servingUpTo: first)
        #expect(armed == later)
        armed = schedule.timerFired(servingUpTo: later)
        #expect(armed == nil)
        // Firing again for the same deadline (a caller whose clock did not move) arms nothing.
        armed = schedule.timerFired(servingUpTo: later)
        #expect(armed == nil)
    }
}
