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
