import FailoverCore
import FoundationEssentials
import TestFixtures
import Testing

@Suite("Alertmanager's view corrects the engine")
struct AlertmanagerViewTests {
    private func view(_ alerts: Alert..., askedAt: TimeInterval, warmedUp: Bool = true) -> AlertmanagerView {
        AlertmanagerView(activeAlerts: alerts, askedAt: at(askedAt), absenceMeansResolved: warmedUp)
    }

    @Test func aLostResolveStartsTheHoldDownNotAStop() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 120))
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        let correction = engine.apply(view(askedAt: 40), now: at(41))
        #expect(correction.resolved == ["fp-dc1"])
        #expect(correction.stateChanged)
        #expect(correction.desired == .running, "a resolve inferred from absence still waits the hold-down")
        #expect(engine.state.holdDownUntil == at(161))
        #expect(engine.plan(actual: .running, now: at(161)) == .stop)
    }

    @Test func aLostFiringStartsTheCloudCopy() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        let correction = engine.apply(view(onPremDown(.firing), askedAt: 10), now: at(11))
        #expect(correction.foundFiring == ["fp-dc1"])
        #expect(engine.plan(actual: .stopped, now: at(11)) == .start)
        #expect(engine.state.alerts["fp-dc1"]?.source == .alertmanagerAPI)
    }

    @Test func aViewAgreeingWithTheStateChangesNothing() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        let saved = engine.state
        let correction = engine.apply(view(onPremDown(.firing), askedAt: 30), now: at(31))
        #expect(correction.foundFiring.isEmpty && correction.resolved.isEmpty && correction.desired == .running)
        #expect(!correction.stateChanged)
        #expect(engine.state == saved)
    }

    @Test func anAnswerInFlightNeverUndoesANewerFiringNotice() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        // Asked at 10; the firing webhook arrived at 11, before the answer (which lacks it) at 12.
        _ = engine.apply(webhook(onPremDown(.firing, start: 9)), now: at(11))
        let correction = engine.apply(view(askedAt: 10), now: at(12))
        #expect(correction.resolved.isEmpty)
        #expect(engine.desired(at: at(1000)) == .running)
    }

    @Test func aFreshlyRestartedAlertmanagerCannotResolveAnything() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        let correction = engine.apply(view(askedAt: 40, warmedUp: false), now: at(41))
        #expect(correction.resolved.isEmpty)
        #expect(!correction.stateChanged)
        #expect(engine.desired(at: at(1000)) == .running)
    }

    @Test func theAPIListingAnAlertAgainRevivesWhatOnlyItsAbsenceResolved() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 120))
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        _ = engine.apply(view(askedAt: 40), now: at(41))
        // The same episode re-sent by Prometheus through a peer that was away: still down. The
        // webhook alone is not believed; it makes failoverd ask, and the answer revives it.
        let decision = engine.apply(webhook(onPremDown(.firing)), now: at(60))
        #expect(decision.verdicts.map(\.outcome) == [.stale])
        #expect(decision.disagreesWithState)
        let correction = engine.apply(view(onPremDown(.firing), askedAt: 60), now: at(61))
        #expect(correction.foundFiring == ["fp-dc1"])
        #expect(engine.state.holdDownUntil == nil)
        #expect(engine.desired(at: at(1000)) == .running)
    }

    @Test func anHAPeersLateFiringDoesNotRestartAFailback() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 10))
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        // Both peers stop listing the alert before the resolve webhook comes.
        _ = engine.apply(view(askedAt: 40), now: at(41))
        _ = engine.apply(webhook(onPremDown(.resolved, end: 40)), now: at(41.5))
        #expect(engine.plan(actual: .running, now: at(52)) == .stop)
        // The second peer, a peer timeout later, sends the firing it held when it flushed.
        let late = engine.apply(webhook(onPremDown(.firing)), now: at(56))
        #expect(late.verdicts.map(\.outcome) == [.stale])
        #expect(engine.plan(actual: .stopped, now: at(56)) == .nothing)
        // Its view, listing the same episode from before it processed the resolve, is no better.
        _ = engine.apply(view(onPremDown(.firing), askedAt: 56), now: at(57))
        #expect(engine.desired(at: at(57)) == .stopped)
    }

    @Test func withoutTheResolveWebhookAnInferredResolutionStillHoldsAgainstALateFiring() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 10))
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        _ = engine.apply(view(askedAt: 40), now: at(41))
        #expect(engine.apply(webhook(onPremDown(.firing)), now: at(56)).verdicts.map(\.outcome) == [.stale])
        #expect(engine.desired(at: at(56)) == .stopped)
    }

    @Test func aResolveNoticeStaysFinalAgainstALaggingView() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 120))
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        _ = engine.apply(webhook(onPremDown(.resolved, end: 30)), now: at(31))
        // A peer that has not processed the resolve yet still lists the same episode.
        let correction = engine.apply(view(onPremDown(.firing), askedAt: 32), now: at(33))
        #expect(correction.foundFiring.isEmpty)
        #expect(engine.state.holdDownUntil == at(151))
    }

    @Test func aNewerEpisodeInTheViewWins() throws {
        var engine = FailoverEngine(policy: try defaultPolicy(holdDown: 120))
        _ = engine.apply(webhook(onPremDown(.firing)), now: at(1))
        _ = engine.apply(webhook(onPremDown(.resolved, end: 30)), now: at(31))
        let correction = engine.apply(view(onPremDown(.firing, start: 100), askedAt: 110), now: at(111))
        #expect(correction.foundFiring == ["fp-dc1"])
        #expect(engine.state.holdDownUntil == nil)
    }

    @Test func staleNoticesAreFlaggedAsDisagreement() throws {
        var engine = FailoverEngine(policy: try defaultPolicy())
        _ = engine.apply(webhook(onPremDown(.firing, start: 100)), now: at(101))
        #expect(engine.apply(webhook(onPremDown(.resolved, start: 0, end: 50)), now: at(102)).disagreesWithState)
        #expect(!engine.apply(webhook(onPremDown(.firing, start: 100)), now: at(103)).disagreesWithState)
    }

    @Test func stateFilesFromBeforeTheAPIReadAsWebhookNotices() throws {
        let old =
            #"{"alerts":{"fp":{"fingerprint":"fp","status":"resolved","labels":{},"startsAt":0,"receivedAt":0}},"paused":false,"recentStops":[],"reason":"x"}"#
        let state = try JSONDecoder().decode(FailoverState.self, from: Data(old.utf8))
        #expect(state.alerts["fp"]?.source == nil)
        let firing = Alert(status: .firing, labels: [:], startsAt: Date(timeIntervalSinceReferenceDate: 0), fingerprint: "fp")
        var engine = FailoverEngine(policy: FailoverPolicy(triggers: [try AlertSelector(parsing: "fp=~\".*\"")]), state: state)
        #expect(engine.apply(webhook(firing), now: at(1)).verdicts.map(\.outcome) == [.stale], "a webhook's resolve stays final")
    }
}

@Suite("Alertmanager API v2 answers")
struct AlertmanagerAPITests {
    @Test func readsARealAlertListSilencedAlertsIncluded() throws {
        let alerts = try AlertmanagerAPI.decodeAlerts(Array(AlertmanagerFixture.raw("api-v2-alerts-silenced").utf8))
        #expect(alerts.count == 1)
        #expect(alerts[0].fingerprint == "5889465311583c70")
        #expect(alerts[0].labels == ["alertname": "OnPremDown", "site": "dc1"])
        #expect(alerts[0].status == .firing)
        #expect(RFC3339.format(alerts[0].startsAt).hasPrefix("2026-12-01T16:59:26"))
    }

    @Test func readsARealStatusStartTime() throws {
        let started = try AlertmanagerAPI.decodeStartTime(Array(AlertmanagerFixture.raw("api-v2-status").utf8))
        #expect(RFC3339.format(started).hasPrefix("2026-12-01T16:59:24.264"))
    }

    @Test func namesWhatIsWrongWithAnAnswer() {
        #expect(throws: AlertmanagerAPIError.self) { try AlertmanagerAPI.decodeAlerts(Array(#"{"error":"x"}"#.utf8)) }
        #expect(throws: AlertmanagerAPIError.self) {
            try AlertmanagerAPI.decodeAlerts(Array(#"[{"labels":{},"startsAt":"yesterday","fingerprint":"f"}]"#.utf8))
        }
        #expect(throws: AlertmanagerAPIError.self) { try AlertmanagerAPI.decodeStartTime(Array("<html>".utf8)) }
        #expect {
            try AlertmanagerAPI.decodeAlerts(Array(#"[{"labels":{},"startsAt":"2026-12-01T00:00:00Z","fingerprint":""}]"#.utf8))
        } throws: { error in
            (error as? AlertmanagerAPIError)?.description.contains("empty fingerprint") == true
        }
    }

    @Test func asksForActiveSilencedAndInhibitedAlertsOfOneSelector() throws {
        let query = AlertmanagerAPI.alertsQuery(for: try AlertSelector(parsing: #"{alertname="OnPremDown", site=~"dc.+"}"#))
        #expect(
            query
                == "active=true&silenced=true&inhibited=true&unprocessed=true&filter=alertname%3D%22OnPremDown%22&filter=site%3D~%22dc.%2B%22"
        )
    }
}
