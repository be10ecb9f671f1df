import FoundationEssentials

/// The rules the engine decides by; comes from failoverd's configuration.
public struct FailoverPolicy: Sendable, Equatable {
    /// An alert is a trigger when any selector matches its labels.
    public var triggers: [AlertSelector]
    /// Seconds with no firing trigger before the cloud copy is stopped. Long enough to ride out
    /// a flapping on-prem, short enough not to pay for an idle cloud copy for long.
    public var holdDown: TimeInterval
    /// At most this many stops per `stopBudgetWindow`; further stops wait, so a flapping on-prem
    /// cannot cause start/stop storms. Starts are never delayed: running both copies is safe.
    public var maximumStopsPerWindow: Int
    /// The window the stop budget counts over, in seconds.
    public var stopBudgetWindow: TimeInterval

    /// Creates a policy.
    public init(
        triggers: [AlertSelector],
        holdDown: TimeInterval = 120,
        maximumStopsPerWindow: Int = 3,
        stopBudgetWindow: TimeInterval = 3600
    ) {
        self.triggers = triggers
        self.holdDown = holdDown
        self.maximumStopsPerWindow = maximumStopsPerWindow
        self.stopBudgetWindow = stopBudgetWindow
    }

    /// Whether an alert with these labels drives failover.
    public func isTrigger(_ labels: [String: String]) -> Bool {
        triggers.contains { $0.matches(labels) }
    }
}
