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

/// The pre-warm alert of the shipped rules (one failed scrape) for one site.
func onPremDownSuspected(_ status: AlertStatus, site: String = "dc1", start: TimeInterval = 0) -> Alert {
    Alert(
        status: status,
        labels: ["alertname": "OnPremDownSuspected", "site": site, "severity": "info"],
        startsAt: at(start),
        fingerprint: "fp-suspected-\(site)"
    )
}

func defaultPolicy(
    holdDown: TimeInterval = 120,
    prewarmHoldDown: TimeInterval = 30,
    stops: Int = 3,
    window: TimeInterval = 3600
) throws
    -> FailoverPolicy
{
    FailoverPolicy(
        triggers: [try AlertSelector(parsing: #"alertname="OnPremDown""#)],
        prewarmTriggers: [try AlertSelector(parsing: #"alertname="OnPremDownSuspected""#)],
        holdDown: holdDown,
        prewarmHoldDown: prewarmHoldDown,
        maximumStopsPerWindow: stops,
        stopBudgetWindow: window
    )
}

/// SplitMix64: a tiny seeded generator, so a random test is the same on every run and machine.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
