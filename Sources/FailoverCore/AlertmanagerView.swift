import FoundationEssentials

/// What Alertmanager's API says about the trigger alerts, merged over the peers that answered.
///
/// The webhook is the fast path; this view corrects it when a notice was lost (failoverd down
/// while a resolve was sent, `send_resolved: false`, an Alertmanager restarted with empty
/// storage) or when a notice that should have come never did.
public struct AlertmanagerView: Sendable, Equatable {
    /// Alerts active on at least one peer that answered: silenced and inhibited ones included,
    /// since a silence mutes people's notifications and says nothing about on-prem being up.
    public var activeAlerts: [Alert]
    /// When the question was sent: a notice received after it is newer than this answer.
    public var askedAt: Date
    /// Whether an alert's absence may be read as its resolution: false when every peer that
    /// answered started too recently to have heard all firing alerts again from Prometheus.
    public var absenceMeansResolved: Bool

    /// Creates a view.
    public init(activeAlerts: [Alert], askedAt: Date, absenceMeansResolved: Bool) {
        self.activeAlerts = activeAlerts
        self.askedAt = askedAt
        self.absenceMeansResolved = absenceMeansResolved
    }
}

/// What a view from Alertmanager corrected.
public struct ViewCorrection: Sendable, Equatable {
    /// Fingerprints of trigger alerts the view showed firing that the engine did not know as
    /// firing: a lost or not yet delivered firing notice.
    public var foundFiring: [String]
    /// Fingerprints the engine held as firing that no peer lists any more: a lost resolve.
    public var resolved: [String]
    /// Desired state afterwards.
    public var desired: DesiredState
    /// Whether the state changed, i.e. whether there is anything to save and converge.
    public var stateChanged: Bool
}

extension FailoverEngine {
    /// Corrects the tracked trigger alerts with Alertmanager's view of what is active.
    ///
    /// An alert the view lists is a firing notice (ordered by `classify` like any other). An
    /// alert held as firing that the view leaves out is resolved, but only when the view may be
    /// trusted on absence and only when its notice is older than the question, so an answer in
    /// flight never undoes a newer webhook. Resolving starts the hold-down as a resolve notice
    /// does, so a wrong absence costs at most a hold-down's worth of doubt, never a stop at once.
    public mutating func apply(_ view: AlertmanagerView, now: Date) -> ViewCorrection {
        let before = state
        let wasFiring = state.isFiring
        var foundFiring: [String] = []
        for var alert in view.activeAlerts where policy.isTrigger(alert.labels) {
            alert.status = .firing
            guard Self.classify(alert, from: .alertmanagerAPI, against: state.alerts[alert.fingerprint]) == .applied,
                makeRoom(for: alert.fingerprint, now: now)
            else { continue }
            record(alert, from: .alertmanagerAPI, now: now)
            foundFiring.append(alert.fingerprint)
        }
        var resolved: [String] = []
        if view.absenceMeansResolved {
            let listed = Set(view.activeAlerts.map(\.fingerprint))
            for tracked in state.firingAlerts
            where tracked.source != .probe && tracked.receivedAt < view.askedAt && !listed.contains(tracked.fingerprint) {
                state.alerts[tracked.fingerprint]?.status = .resolved
                state.alerts[tracked.fingerprint]?.receivedAt = now
                state.alerts[tracked.fingerprint]?.source = .alertmanagerAPI
                resolved.append(tracked.fingerprint)
            }
        }
        settle(wasFiring: wasFiring, now: now)
        return ViewCorrection(foundFiring: foundFiring, resolved: resolved, desired: desired(at: now), stateChanged: state != before)
    }
}
