import FailoverCore
import FoundationEssentials

/// A fixed origin so every test speaks in whole seconds.
let t0 = Date(timeIntervalSince1970: 1_800_000_000)

func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

/// A trigger alert for one site, firing or resolved, in one episode starting at `start` seconds.
func onPremDown(_ status: AlertStatus, site: String = "dc1", start: TimeInterval = 0, end: TimeInterval? = nil) -> Alert {
    Alert(
        status: status,
        labels: ["alertname": "OnPremDown", "site": site, "severity": "page"],
        startsAt: at(start),
        endsAt: end.map(at),
        fingerprint: "fp-\(site)"
    )
}

func webhook(_ alerts: Alert..., truncated: Int = 0) -> AlertmanagerWebhook {
    let status: AlertStatus = alerts.contains { $0.status == .firing } ? .firing : .resolved
    return AlertmanagerWebhook(truncatedAlerts: truncated, status: status, alerts: alerts)
}

func defaultPolicy(holdDown: TimeInterval = 120, stops: Int = 3, window: TimeInterval = 3600) throws -> FailoverPolicy {
    FailoverPolicy(
        triggers: [try AlertSelector(parsing: #"alertname="OnPremDown""#)],
        holdDown: holdDown,
        maximumStopsPerWindow: stops,
        stopBudgetWindow: window
    )
}
