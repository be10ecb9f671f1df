import FailoverCore
import FoundationEssentials

extension StatusReport {
    /// The status as the controller knows it at `now`.
    init(engine: FailoverEngine, observations: RuntimeObservations, crashLoop: CrashLoopStatus?, runtimeName: String, now: Date) {
        let state = engine.state
        let firing = state.firingAlerts
        self.init(
            service: nil,
            mode: engine.policy.observeOnly ? FailoverMode.observe.rawValue : FailoverMode.act.rawValue,
            withheld: observations.withheld.map { Withheld(action: $0.action.rawValue, since: RFC3339.format($0.since)) },
            desired: engine.desired(at: now),
            actual: observations.runtimeUp
                ? (observations.snapshot?.status ?? "unknown") : "unknown (\(runtimeName.lowercased()) unreachable)",
            containerID: observations.snapshot?.id,
            health: observations.snapshot?.health,
            image: observations.snapshot?.image?.digest,
            specChangePending: observations.snapshot?.pendingSpecChange == true ? true : nil,
            paused: state.paused,
            firingTriggerAlerts: firing.suffix(Self.firingAlertsShown).map {
                FiringAlert(fingerprint: $0.fingerprint, alertname: $0.alertname, labels: $0.labels, startsAt: RFC3339.format($0.startsAt))
            },
            firingTriggerAlertsTotal: firing.count,
            trackedAlerts: state.alerts.count,
            holdDownUntil: state.holdDownUntil.map(RFC3339.format),
            holdDownRemainingSeconds: Self.holdDownRemaining(state, now: now),
            failedOverSince: state.failedOverSince.map(RFC3339.format),
            reason: state.reason,
            lastAction: observations.lastAction,
            lastError: observations.lastError,
            lastFailover: state.lastFailover.map(Episode.init),
            crashLoop: crashLoop.map { CrashLoop(quickExits: $0.quickExits, nextStartAt: RFC3339.format($0.nextStartAt)) },
            stateNotSavedSince: observations.unsavedSince.map(RFC3339.format),
            stopDeferredUntil: observations.stopDeferredUntil.map(RFC3339.format),
            summary: Self.summary(engine: engine, observations: observations, crashLoop: crashLoop, runtimeName: runtimeName, now: now)
        )
    }

    /// The summary line alone, without formatting the rest of the report: every webhook's
    /// reply carries it.
    static func summary(
        engine: FailoverEngine,
        observations: RuntimeObservations,
        crashLoop: CrashLoopStatus?,
        runtimeName: String,
        now: Date
    ) -> String {
        var line = summaryLine(
            state: engine.state,
            firing: engine.firing,
            policy: engine.policy,
            desired: engine.desired(at: now),
            remaining: holdDownRemaining(engine.state, now: now),
            observations: observations,
            runtimeName: runtimeName
        )
        if observations.snapshot?.pendingSpecChange == true {
            line += "; spec changed; applied at next start"
        }
        if let crashLoop, engine.desired(at: now) == .running {
            let wait = Int(max(0, crashLoop.nextStartAt.timeIntervalSince(now)).rounded(.up))
            line += "; cloud copy crash-looping (\(crashLoop.quickExits) quick exit\(crashLoop.quickExits == 1 ? "" : "s")), next try in \(wait) s"
        }
        return line
    }

    private static func holdDownRemaining(_ state: FailoverState, now: Date) -> Double? {
        state.holdDownUntil.map { max(0, $0.timeIntervalSince(now)) }
    }

    /// The one line systemd shows: what failoverd is doing, most urgent first.
    private static func summaryLine(
        state: FailoverState,
        firing: FiringOverview,
        policy: FailoverPolicy,
        desired: DesiredState,
        remaining: Double?,
        observations: RuntimeObservations,
        runtimeName: String
    ) -> String {
        var parts: [String] = []
        if policy.observeOnly {
            parts.append(
                observations.withheld.map { "OBSERVE ONLY: would \($0.action.phrase) (due since \(RFC3339.format($0.since)))" }
                    ?? "OBSERVE ONLY"
            )
        }
        if state.paused { parts.append("PAUSED by operator") }
        if !observations.runtimeUp { parts.append("\(runtimeName) unreachable") }
        if let since = observations.unsavedSince { parts.append("STATE NOT SAVED since \(RFC3339.format(since))") }
        if let since = state.failedOverSince, desired == .running {
            if let shown = firing.oldestConfirmed ?? firing.oldest {
                let confirmed = firing.oldestConfirmed != nil || state.lastFailover?.confirmedAt != nil
                parts.append(
                    confirmed
                        ? "failed over since \(RFC3339.format(since)): \(shown.alertname) firing (\(firing.count))"
                        : "pre-warmed since \(RFC3339.format(since)): \(shown.alertname) firing (\(firing.count)), on-prem not confirmed down"
                )
            } else if let remaining {
                parts.append("failed over since \(RFC3339.format(since)); on-prem recovered, stopping cloud in \(Int(remaining.rounded(.up))) s")
            } else {
                parts.append("failed over since \(RFC3339.format(since))")
            }
        } else if let until = observations.stopDeferredUntil {
            parts.append(
                "on-prem recovered; stop deferred by the stop budget until \(RFC3339.format(until)) "
                    + "(at most \(policy.maximumStopsPerWindow) stop\(policy.maximumStopsPerWindow == 1 ? "" : "s") per \(Int(policy.stopBudgetWindow)) s)"
            )
        } else {
            parts.append("standby: cloud copy \(observations.snapshot?.status ?? "unknown")")
        }
        return parts.joined(separator: "; ")
    }
}

extension StatusReport.Episode {
    init(_ episode: FailoverEpisode) {
        self.init(
            triggeredAt: RFC3339.format(episode.triggeredAt),
            confirmedAt: episode.confirmedAt.map(RFC3339.format),
            runningAt: episode.runningAt.map(RFC3339.format),
            recoveredAt: episode.recoveredAt.map(RFC3339.format),
            stoppedAt: episode.stoppedAt.map(RFC3339.format)
        )
    }
}
