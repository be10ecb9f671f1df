import FailoverCore

extension StatusReport {
    /// The report as `failoverd status` prints it: the summary line, then one fact per line.
    public func rendered() -> String {
        var lines = [
            service.map { "service \($0): \(summary)" } ?? "failoverd: \(summary)",
            "  desired: \(desired.rawValue)   actual: \(actual)\(health.map { " (\($0))" } ?? "")   paused: \(paused)",
            "  reason: \(reason)",
        ]
        if mode == FailoverMode.observe.rawValue {
            lines.append("  mode: observe (no action is taken)" + (withheld.map { "; would \($0.action) since \($0.since)" } ?? ""))
        }
        if let containerID { lines.append("  container: \(containerID.prefix(12))") }
        if let image { lines.append("  image: \(image)" + (specChangePending == true ? " (spec changed; applied at next start)" : "")) }
        if let holdDownUntil { lines.append("  hold-down until: \(holdDownUntil) (\(Int(holdDownRemainingSeconds ?? 0)) s left)") }
        if firingTriggerAlertsTotal > firingTriggerAlerts.count {
            lines.append("  firing: \(firingTriggerAlertsTotal) trigger alerts, the newest \(firingTriggerAlerts.count) below")
        }
        for alert in firingTriggerAlerts {
            let labels = alert.labels.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            lines.append("  firing: \(alert.alertname) \(labels.joined(separator: ",")) since \(alert.startsAt) [\(alert.fingerprint)]")
        }
        if let crashLoop {
            lines.append(
                "  crash loop: \(crashLoop.quickExits) quick exit\(crashLoop.quickExits == 1 ? "" : "s") in a row; next start at \(crashLoop.nextStartAt)"
            )
        }
        if let stateNotSavedSince { lines.append("  state: NOT SAVED since \(stateNotSavedSince); a restart now would forget it") }
        if let stopDeferredUntil { lines.append("  stop deferred by the stop budget until \(stopDeferredUntil)") }
        if let lastAction { lines.append("  last action: \(lastAction.what) at \(lastAction.at)") }
        if let lastError { lines.append("  last error: \(lastError.what) at \(lastError.at)") }
        if let episode = lastFailover {
            let phases = [
                ("triggered", episode.triggeredAt), ("confirmed", episode.confirmedAt), ("running", episode.runningAt),
                ("recovered", episode.recoveredAt),
                ("stopped", episode.stoppedAt),
            ]
            lines.append("  last failover: " + phases.compactMap { name, at in at.map { "\(name) \($0)" } }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
