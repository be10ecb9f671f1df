import FoundationEssentials

/// What failoverd's own probe of on-prem changed.
public struct ProbeChange: Sendable, Equatable {
    /// Whether the state changed: the probe's verdict is news, to save and converge on.
    public var stateChanged: Bool
    /// Desired state afterwards.
    public var desired: DesiredState
}

extension FailoverEngine {
    /// The fingerprint under which the probe's verdict is tracked beside Alertmanager's alerts.
    public static let probeFingerprint = "failoverd-probe"
    /// The alert name the probe's verdict shows under in `/status` and logs.
    public static let probeAlertName = "OnPremProbeFailing"

    /// Applies the probe's verdict: failing (since the first failed probe of the run) is a
    /// pre-warm trigger — the cloud copy starts and HAProxy still decides where traffic goes —
    /// and passing again resolves it, so the short pre-warm hold-down applies unless a confirmed
    /// trigger fired meanwhile. Only Alertmanager confirms a failover; a verdict equal to the
    /// tracked one changes nothing.
    public mutating func applyProbe(failing: Bool, since: Date, now: Date) -> ProbeChange {
        let status: AlertStatus = failing ? .firing : .resolved
        let tracked = state.alerts[Self.probeFingerprint]
        guard tracked?.status != status, failing || tracked != nil else {
            return ProbeChange(stateChanged: false, desired: desired(at: now))
        }
        let wasFiring = state.isFiring
        state.alerts[Self.probeFingerprint] = TrackedAlert(
            fingerprint: Self.probeFingerprint,
            status: status,
            labels: ["alertname": Self.probeAlertName],
            startsAt: failing ? since : tracked?.startsAt ?? since,
            endsAt: failing ? nil : now,
            receivedAt: now,
            source: .probe
        )
        settle(wasFiring: wasFiring, now: now)
        return ProbeChange(stateChanged: true, desired: desired(at: now))
    }
}
