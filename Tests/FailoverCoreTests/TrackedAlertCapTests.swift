import FailoverCore
import Foundation
import Testing

@Suite("the tracked-alert cap")
struct TrackedAlertCapTests {
    private func cappedPolicy(_ cap: Int) throws -> FailoverPolicy {
        var policy = try defaultPolicy(holdDown: 120)
        policy.maximumTrackedAlerts = cap
        return policy
    }

    @Test func aNewFingerprintBeyondTheCapIsRefusedAndTrackedOnesStillCount() throws {
        var engine = FailoverEngine(policy: try cappedPolicy(2))
        _ = engine.apply(webhook(onPremDown(.firing, site: "a"), onPremDown(.firing, site: "b")), now: at(1))

        let flood = engine.apply(webhook(onPremDown(.firing, site: "c")), now: at(2))
        #expect(flood.verdicts.map(\.outcome) == [.overCapacity])
        #expect(flood.refusedOverCapacity == 1)
        #expect(!flood.stateChanged)
        #expect(engine.state.alerts.keys.sorted() == ["fp-a", "fp-b"])

        // Notices about tracked alerts are never refused: a resolve must always get through.
        let resolve = engine.apply(webhook(onPremDown(.resolved, site: "a", end: 3)), now: at(3))
        #expect(resolve.verdicts.map(\.outcome) == [.applied])
    }

    @Test func resolvedRecordsPastTheirHoldDownMakeRoom() throws {
        var engine = FailoverEngine(policy: try cappedPolicy(2))
        _ = engine.apply(webhook(onPremDown(.firing, site: "a"), onPremDown(.firing, site: "b")), now: at(1))
        _ = engine.apply(webhook(onPremDown(.resolved, site: "a", end: 10)), now: at(10))

        // Within the hold-down the resolved record is kept (a late firing must read as stale).
        #expect(engine.apply(webhook(onPremDown(.firing, site: "c")), now: at(100)).verdicts.map(\.outcome) == [.overCapacity])
        // After it, the record makes room for the new alert.
        #expect(engine.apply(webhook(onPremDown(.firing, site: "c")), now: at(131)).verdicts.map(\.outcome) == [.applied])
        #expect(engine.state.alerts.keys.sorted() == ["fp-b", "fp-c"])
    }

    @Test func alertmanagersViewIsCappedToo() throws {
        var engine = FailoverEngine(policy: try cappedPolicy(1))
        let view = AlertmanagerView(
            activeAlerts: [onPremDown(.firing, site: "a"), onPremDown(.firing, site: "b")],
            askedAt: at(1),
            absenceMeansResolved: true
        )
        let correction = engine.apply(view, now: at(1))
        #expect(correction.foundFiring == ["fp-a"])
        #expect(engine.state.alerts.count == 1)
    }
}
