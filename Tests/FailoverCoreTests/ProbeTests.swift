import FailoverCore
import FoundationEssentials
import Testing

@Suite("failoverd's own probe of on-prem pre-warms, never confirms")
struct ProbeTests {
    @Test func aFailingProbeStartsTheCopyAndItsRecoveryHoldsDownOnlyThePrewarmTime() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 120, prewarmHoldDown: 30))
        let failing = engine.applyProbe(failing: true, since: at(0.2), now: at(0.5))
        #expect(failing.stateChanged && failing.desired == .running)
        #expect(engine.plan(actual: .stopped, now: at(0.5)) == .start)
        #expect(engine.state.reason.hasPrefix("pre-warmed: OnPremProbeFailing"))
        #expect(engine.state.lastFailover?.confirmedAt == nil, "only Alertmanager confirms on-prem is down")
        let passing = engine.applyProbe(failing: false, since: at(2), now: at(2))
        #expect(passing.stateChanged)
        #expect(engine.state.holdDownUntil == at(32), "a lost probe path costs a pre-warm hold-down, not a failover's")
        #expect(engine.plan(actual: .running, now: at(32)) == .stop)
    }

    @Test func aConfirmedTriggerDuringTheProbesFailureKeepsTheFullHoldDown() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 120, prewarmHoldDown: 30))
        _ = engine.applyProbe(failing: true, since: at(0), now: at(0.5))
        _ = engine.apply(webhook(onPremDown(.firing, start: 1)), now: at(1.3))
        #expect(engine.state.lastFailover?.confirmedAt == at(1.3))
        _ = engine.apply(webhook(onPremDown(.resolved, start: 1, end: 20)), now: at(20))
        _ = engine.applyProbe(failing: false, since: at(21), now: at(21))
        #expect(engine.state.holdDownUntil == at(141))
    }

    @Test func aRepeatedVerdictChangesNothing() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        #expect(!engine.applyProbe(failing: false, since: at(0), now: at(0)).stateChanged, "a probe that never failed is no news")
        _ = engine.applyProbe(failing: true, since: at(1), now: at(1))
        let saved = engine.state
        #expect(!engine.applyProbe(failing: true, since: at(1), now: at(5)).stateChanged)
        #expect(engine.state == saved)
    }

    @Test func alertmanagerNotListingTheProbesVerdictDoesNotResolveIt() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        _ = engine.applyProbe(failing: true, since: at(1), now: at(1))
        let correction = engine.apply(AlertmanagerView(activeAlerts: [], askedAt: at(10), absenceMeansResolved: true), now: at(11))
        #expect(correction.resolved.isEmpty)
        #expect(engine.state.isFiring)
    }
}
