import FoundationEssentials

/// The rules the engine decides by; comes from failoverd's configuration.
public struct FailoverPolicy: Sendable, Equatable {
    /// An alert is a confirmed trigger when any selector matches its labels: on-prem is down.
    public var triggers: [AlertSelector]
    /// Pre-warm triggers: a fast, low-confidence sign (one failed scrape) that starts the cloud
    /// copy early. Starting costs nothing, since HAProxy routes to the cloud copy only when its
    /// own checks find on-prem down; a confirmed trigger matching the same alert wins.
    public var prewarmTriggers: [AlertSelector]
    /// Seconds with no firing trigger before the cloud copy is stopped. Long enough to ride out
    /// a flapping on-prem, short enough not to pay for an idle cloud copy for long.
    public var holdDown: TimeInterval
    /// The hold-down after a failover in which only pre-warm triggers fired: a lost scrape
    /// costs one short run of the cloud copy, not a full hold-down.
    public var prewarmHoldDown: TimeInterval
    /// At most this many stops per `stopBudgetWindow`; further stops wait, so a flapping on-prem
    /// cannot cause start/stop storms. Starts are never delayed: running both copies is safe.
    public var maximumStopsPerWindow: Int
    /// The window the stop budget counts over, in seconds.
    public var stopBudgetWindow: TimeInterval
    /// The most trigger alerts (fingerprints) tracked at once. A trigger that matches a
    /// high-cardinality alert by mistake must not grow the state, each webhook's work and the
    /// state file without bound; beyond it new fingerprints are refused.
    public var maximumTrackedAlerts: Int
    /// Observe-only (`mode: observe`): decide and keep state as usual, but withhold every action
    /// on the cloud copy, saying what it would have been. For a first rollout beside the real
    /// alerts; switching back to acting applies the decision of that moment.
    public var observeOnly: Bool

    /// Creates a policy.
    public init(
        triggers: [AlertSelector],
        prewarmTriggers: [AlertSelector] = [],
        holdDown: TimeInterval = 120,
        prewarmHoldDown: TimeInterval = 30,
        maximumStopsPerWindow: Int = 3,
        stopBudgetWindow: TimeInterval = 3600,
        maximumTrackedAlerts: Int = 10_000,
        observeOnly: Bool = false
    ) {
        self.triggers = triggers
        self.prewarmTriggers = prewarmTriggers
        self.holdDown = holdDown
        self.prewarmHoldDown = prewarmHoldDown
        self.maximumStopsPerWindow = maximumStopsPerWindow
        self.stopBudgetWindow = stopBudgetWindow
        self.maximumTrackedAlerts = maximumTrackedAlerts
        self.observeOnly = observeOnly
    }

    /// Every selector whose alerts drive failover, confirmed and pre-warm.
    public var allTriggers: [AlertSelector] { triggers + prewarmTriggers }

    /// Whether an alert with these labels drives failover (confirmed or pre-warm).
    public func isTrigger(_ labels: [String: String]) -> Bool {
        isConfirmedTrigger(labels) || prewarmTriggers.contains { $0.matches(labels) }
    }

    /// Whether an alert with these labels says on-prem is down, not only that it may be.
    public func isConfirmedTrigger(_ labels: [String: String]) -> Bool {
        triggers.contains { $0.matches(labels) }
    }
}
