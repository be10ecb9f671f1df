import FailoverCore
import FoundationEssentials
import Testing

@Suite("Times restored from a saved state")
struct RestoredTimesTests {
    @Test func aHoldDownSavedADayAheadEndsWithinTheConfiguredHoldDown() throws {
        // A state saved while the clock was a day ahead: failed back, holding down.
        var saved = FailoverEngine(policy: try defaultPolicy(holdDown: 5, prewarmHoldDown: 5))
        _ = saved.apply(webhook(onPremDown(.firing)), now: at(86_400))
        _ = saved.apply(webhook(onPremDown(.resolved, end: 86_410)), now: at(86_410))
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 5, prewarmHoldDown: 5), state: saved.state)
        // Restored with the clock right again.
        let correction = engine.correctRestoredTimes(now: at(100))
        #expect(correction.holdDownClampedFrom == at(86_415))
        #expect(engine.state.holdDownUntil == at(105))
        #expect(engine.plan(actual: .running, now: at(106)) == .stop, "stopped after 5 s, not after a day")
    }

    @Test func stopsRecordedInTheFutureNoLongerBlockStops() throws {
        var saved = FailoverEngine(policy: try defaultPolicy(holdDown: 5, stops: 1))
        saved.recordStop(at: at(86_400))
        saved.recordStop(at: at(50))
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 5, stops: 1), state: saved.state)
        #expect(engine.correctRestoredTimes(now: at(100)).futureStopsDropped == 1)
        #expect(engine.state.recentStops == [at(50)], "a stop in the past still counts")
    }

    @Test func aSaneStateIsLeftAlone() throws {
        var saved = FailoverEngine(policy: try defaultPolicy(holdDown: 120))
        _ = saved.apply(webhook(onPremDown(.firing)), now: at(1))
        _ = saved.apply(webhook(onPremDown(.resolved, end: 50)), now: at(50))
        saved.recordStop(at: at(20))
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 120), state: saved.state)
        #expect(engine.correctRestoredTimes(now: at(60)).isEmpty)
        #expect(engine.state == saved.state)
    }
}
