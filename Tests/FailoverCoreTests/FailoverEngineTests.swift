import FailoverCore
import Foundation
import Testing

@Suite("Failover engine")
struct FailoverEngineTests {
    @Test func standbyByDefault() throws {
        let engine = FailoverEngine(policy: try defaultPolicy())
        #expect(engine.desired(at: t0) == .stopped)
        #expect(engine.plan(actual: .stopped, now: t0) == .nothing)
        #expect(engine.plan(actual: .missing, now: t0) == .prepare)
    }

    /// A standby removed behind failoverd's back, or made from an older spec, is made again
    /// while the copy should stay stopped, so a failover stays a single start; not while paused.
    @Test func aMissingOrOutdatedStandbyIsPreparedUnlessPaused() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 10))
        #expect(engine.plan(actual: .outdated, now: t0) == .prepare)
        engine.setPaused(true)
        #expect(engine.plan(actual: .missing, now: t0) == .nothing)
        #expect(engine.plan(actual: .outdated, now: t0) == .nothing)
        engine.setPaused(false)
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        #expect(engine.plan(actual: .outdated, now: at(1)) == .start, "a start makes it again from the current spec")
    }

    @Test func firingTriggerStartsTheCloudCopy() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        let decision = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        #expect(decision.desired == .running)
        #expect(decision.verdicts.map(\.outcome) == [.applied])
        #expect(engine.plan(actual: .stopped, now: at(1)) == .start)
        #expect(engine.plan(actual: .missing, now: at(1)) == .start)
        #expect(engine.plan(actual: .running, now: at(1)) == .nothing)
        #expect(engine.state.failedOverSince == at(1))
    }

    @Test func nonTriggerAlertsChangeNothing() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        let other = Alert(status: .firing, labels: ["alertname": "HighLatency"], startsAt: t0, fingerprint: "x")
        let decision = engine.apply(webhook(other), now: at(1))
        #expect(decision.verdicts.map(\.outcome) == [.notATrigger])
        #expect(decision.desired == .stopped)
        #expect(engine.state.alerts.isEmpty)
    }

    @Test func duplicateFiringIsIdempotent() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        let first = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        let saved = engine.state
        let again = engine.apply(webhook(onPremDown(.firing)), now: at(2))
        #expect(first.stateChanged)
        #expect(again.verdicts.map(\.outcome) == [.duplicate])
        #expect(again.desired == .running)
        #expect(!again.stateChanged, "nothing to save: not even the time it arrived")
        #expect(engine.state == saved)
    }

    @Test func resolvedStopsOnlyAfterHoldDown() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 120))
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        let resolved = engine.apply(webhook(onPremDown(.resolved, end: 30)), now: at(31))
        #expect(resolved.desired == .running)
        #expect(engine.state.holdDownUntil == at(151))
        #expect(engine.plan(actual: .running, now: at(150)) == .nothing)
        #expect(engine.desired(at: at(151)) == .stopped)
        #expect(engine.plan(actual: .running, now: at(151)) == .stop)
    }

    @Test func aPrewarmAlertStartsTheCloudCopyAndEndsWithTheShortHoldDown() throws {
        // a single lost scrape: the pre-warm alert fires and resolves, OnPremDown never fires
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 120, prewarmHoldDown: 30))
        let firing = engine.apply(webhook(onPremDownSuspected(.firing)), now: at(1))
        #expect(firing.desired == .running)
        #expect(engine.plan(actual: .stopped, now: at(1)) == .start)
        #expect(engine.state.reason.hasPrefix("pre-warmed: OnPremDownSuspected firing"))
        #expect(engine.state.lastFailover?.confirmedAt == nil)

        _ = engine.apply(webhook(onPremDownSuspected(.resolved)), now: at(3))
        #expect(engine.state.holdDownUntil == at(33))
        #expect(engine.plan(actual: .running, now: at(32)) == .nothing)
        #expect(engine.plan(actual: .running, now: at(33)) == .stop)
    }

    @Test func aConfirmedTriggerInTheSameFailoverKeepsTheFullHoldDown() throws {
        // pre-warm first, then OnPremDown; on recovery the pre-warm alert resolves last
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 120, prewarmHoldDown: 30))
        _ = engine.apply(webhook(onPremDownSuspected(.firing)), now: at(1))
        _ = engine.apply(webhook(onPremDown(.firing, start: 4)), now: at(5))
        #expect(engine.state.lastFailover?.triggeredAt == at(1))
        #expect(engine.state.lastFailover?.confirmedAt == at(5))
        #expect(engine.state.reason.hasPrefix("failed over: OnPremDown firing (2 trigger alerts)"))

        _ = engine.apply(webhook(onPremDown(.resolved, start: 4, end: 60)), now: at(60))
        #expect(engine.desired(at: at(60)) == .running, "the pre-warm alert still fires")
        _ = engine.apply(webhook(onPremDownSuspected(.resolved)), now: at(61))
        #expect(engine.state.holdDownUntil == at(181))
    }

    @Test func aPrewarmAfterAStopStartsAFreshShortFailover() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 120, prewarmHoldDown: 30))
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        _ = engine.apply(webhook(onPremDown(.resolved, end: 10)), now: at(10))
        engine.recordStop(at: at(130))
        _ = engine.apply(webhook(onPremDownSuspected(.firing, start: 200)), now: at(200))
        _ = engine.apply(webhook(onPremDownSuspected(.resolved, start: 200)), now: at(202))
        #expect(engine.state.holdDownUntil == at(232))
    }

    @Test func newFiringDuringHoldDownCancelsIt() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 120))
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        _ = engine.apply(webhook(onPremDown(.resolved, end: 30)), now: at(31))
        _ = engine.apply(webhook(onPremDown(.firing, start: 60)), now: at(61))
        #expect(engine.state.holdDownUntil == nil)
        #expect(engine.desired(at: at(1000)) == .running)
    }

    @Test func resolvedForOneSiteKeepsCloudWhileOtherSiteFires() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        _ = engine.apply(webhook(onPremDown(.firing, site: "dc1"), onPremDown(.firing, site: "dc2")), now: at(1))
        let decision = engine.apply(webhook(onPremDown(.resolved, site: "dc1", end: 20), onPremDown(.firing, site: "dc2")), now: at(21))
        #expect(decision.desired == .running)
        #expect(engine.state.holdDownUntil == nil)
        #expect(engine.desired(at: at(100_000)) == .running)
        #expect(engine.state.firingAlerts.map(\.fingerprint) == ["fp-dc2"])
    }

    @Test func groupStatusIsNotTheDecision() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        _ = engine.apply(webhook(onPremDown(.firing, site: "dc1")), now: at(1))
        // A group reported as "resolved" overall still carries a firing trigger for dc1.
        var payload = webhook(onPremDown(.firing, site: "dc1"), onPremDown(.resolved, site: "dc2", end: 5))
        payload.status = .resolved
        #expect(engine.apply(payload, now: at(6)).desired == .running)
    }

    @Test func staleResolvedAfterNewerFiringIsIgnored() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        // Episode 2 fires; then the resolved notice of episode 1 arrives late.
        _ = engine.apply(webhook(onPremDown(.firing, start: 100)), now: at(101))
        let late = engine.apply(webhook(onPremDown(.resolved, start: 0, end: 50)), now: at(102))
        #expect(late.verdicts.map(\.outcome) == [.stale])
        #expect(late.desired == .running)
        #expect(engine.state.holdDownUntil == nil)
    }

    @Test func reorderedFiringAfterItsOwnResolvedIsIgnored() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        _ = engine.apply(webhook(onPremDown(.resolved, end: 30)), now: at(31))
        let late = engine.apply(webhook(onPremDown(.firing)), now: at(32))
        #expect(late.verdicts.map(\.outcome) == [.stale])
        #expect(engine.desired(at: at(151)) == .stopped)
    }

    @Test func resolvedWithoutEverFiringIsHarmless() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        let decision = engine.apply(webhook(onPremDown(.resolved, end: 10)), now: at(11))
        #expect(decision.desired == .stopped)
        #expect(engine.state.holdDownUntil == nil)
    }

    @Test func truncatedAlertsAreReportedNotTreatedAsResolved() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        _ = engine.apply(webhook(onPremDown(.firing, site: "dc1")), now: at(1))
        let decision = engine.apply(webhook(onPremDown(.firing, site: "dc2"), truncated: 5), now: at(2))
        #expect(decision.truncatedAlerts == 5)
        #expect(engine.state.firingAlerts.count == 2)
    }

    @Test func pauseHoldsEveryActionButKeepsTrackingAlerts() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        engine.setPaused(true)
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        #expect(engine.desired(at: at(1)) == .running)
        #expect(engine.plan(actual: .stopped, now: at(1)) == .paused)
        engine.setPaused(false)
        #expect(engine.plan(actual: .stopped, now: at(2)) == .start)
    }

    /// Observe-only mode decides as acting would, and names each action instead of asking for it.
    @Test func observeOnlyWithholdsEveryActionAndNamesIt() throws {
        var policy = try defaultPolicy(holdDown: 10)
        policy.observeOnly = true
        var engine = FailoverEngine(policy: policy)
        #expect(engine.plan(actual: .missing, now: t0) == .withheld(.prepare))
        #expect(engine.plan(actual: .stopped, now: t0) == .nothing)
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        #expect(engine.desired(at: at(1)) == .running, "the decision is the same as acting")
        #expect(engine.plan(actual: .stopped, now: at(1)) == .withheld(.start))
        _ = engine.apply(webhook(onPremDown(.resolved, end: 5)), now: at(6))
        #expect(engine.plan(actual: .running, now: at(20)) == .withheld(.stop))
        engine.setPaused(true)
        #expect(engine.plan(actual: .running, now: at(20)) == .paused, "an operator's pause says more")
    }

    @Test func pausedDoesNotStopARunningCopy() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 10))
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        _ = engine.apply(webhook(onPremDown(.resolved, end: 5)), now: at(6))
        engine.setPaused(true)
        #expect(engine.plan(actual: .running, now: at(100)) == .paused)
    }

    /// Flapping: each cycle fires, resolves, and waits out the hold-down. The fourth stop within
    /// the hour must wait, so the cloud copy stays up instead of bouncing.
    @Test func flappingIsDampedByTheStopBudget() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 60, stops: 3, window: 3600))
        var now: TimeInterval = 0
        for cycle in 0..<4 {
            _ = engine.apply(webhook(onPremDown(.firing, start: now)), now: at(now))
            _ = engine.apply(webhook(onPremDown(.resolved, start: now, end: now + 10)), now: at(now + 10))
            now += 71
            let plan = engine.plan(actual: .running, now: at(now))
            if cycle < 3 {
                #expect(plan == .stop)
                engine.recordStop(at: at(now))
            } else {
                #expect(plan == .waitForStopBudget(until: at(71 + 3600)))
            }
            now += 1
        }
        #expect(engine.plan(actual: .running, now: at(71 + 3600)) == .stop)
    }

    @Test func startsAreNeverHeldByTheStopBudget() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 1, stops: 1, window: 3600))
        engine.recordStop(at: at(0))
        _ = engine.apply(webhook(onPremDown(.firing, start: 5)), now: at(5))
        #expect(engine.plan(actual: .stopped, now: at(5)) == .start)
    }

    /// A copy that runs but does not serve (its health check has not passed; for a replicated
    /// target, a replica died, or replicas still drain after a scale to zero) needs the action
    /// toward the desired state either way.
    @Test func aTargetNotReadyIsStartedWhenWantedAndStoppedWhenNot() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 10))
        #expect(engine.plan(actual: .notReady, now: at(0)) == .stop)
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        #expect(engine.plan(actual: .notReady, now: at(1)) == .start)
        engine.setPaused(true)
        #expect(engine.plan(actual: .notReady, now: at(1)) == .paused)
    }

    @Test func recordStopReturnsToStandby() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 10))
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        _ = engine.apply(webhook(onPremDown(.resolved, end: 5)), now: at(6))
        engine.recordStop(at: at(16))
        #expect(engine.state.failedOverSince == nil)
        #expect(engine.state.holdDownUntil == nil)
        #expect(engine.desired(at: at(16)) == .stopped)
    }

    @Test func adoptedRunningCopyIsKeptForOneHoldDown() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 120))
        engine.adoptRunningContainer(now: at(0))
        #expect(engine.plan(actual: .running, now: at(119)) == .nothing)
        #expect(engine.plan(actual: .running, now: at(120)) == .stop)
    }

    @Test func resolvedRecordsArePrunedAfterRetention() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        _ = engine.apply(webhook(onPremDown(.resolved, site: "old", end: 1)), now: at(1))
        _ = engine.apply(webhook(onPremDown(.firing, site: "dc1")), now: at(FailoverEngine.resolvedRetention + 2))
        #expect(engine.state.alerts.keys.sorted() == ["fp-dc1"])
    }

    @Test func aPrewarmOnlyFailoverSurvivesAJSONRoundTripUnconfirmed() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        _ = engine.apply(webhook(onPremDownSuspected(.firing)), now: at(1))
        let restored = try JSONDecoder().decode(FailoverState.self, from: try JSONEncoder().encode(engine.state))
        #expect(restored == engine.state)
        #expect(restored.lastFailover?.confirmedAt == nil)
    }

    @Test func aFailoverSavedBeforePrewarmExistedKeepsItsFullHoldDown() throws {
        // setup: a state file from an older failoverd, failed over, with no confirmedAt field
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 120, prewarmHoldDown: 30))
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        var json = try #require(JSONSerialization.jsonObject(with: try JSONEncoder().encode(engine.state)) as? [String: Any])
        var episode = try #require(json["lastFailover"] as? [String: Any])
        episode["confirmedAt"] = nil
        json["lastFailover"] = episode
        let legacy = try JSONDecoder().decode(FailoverState.self, from: try JSONSerialization.data(withJSONObject: json))

        // act: the upgraded failoverd hears the resolve
        var upgraded = FailoverEngine(policy: try defaultPolicy(holdDown: 120, prewarmHoldDown: 30), state: legacy)
        _ = upgraded.apply(webhook(onPremDown(.resolved, end: 10)), now: at(10))

        #expect(upgraded.state.holdDownUntil == at(130))
    }

    @Test func stateSurvivesAJSONRoundTrip() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        _ = engine.apply(webhook(onPremDown(.firing, site: "dc1"), onPremDown(.resolved, site: "dc2", end: 3)), now: at(4))
        engine.setPaused(true)
        let data = try JSONEncoder().encode(engine.state)
        let restored = try JSONDecoder().decode(FailoverState.self, from: data)
        #expect(restored == engine.state)
    }
}
