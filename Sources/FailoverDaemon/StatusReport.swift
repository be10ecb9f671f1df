import FailoverCore
import FoundationEssentials

/// The JSON answer of `GET /status`, and what `failoverd status` prints.
public struct StatusReport: Codable, Sendable, Equatable {
    /// One trigger alert.
    public struct FiringAlert: Codable, Sendable, Equatable {
        public var fingerprint: String
        public var alertname: String
        public var labels: [String: String]
        public var startsAt: String
    }

    /// A recorded action or error.
    public struct Event: Codable, Sendable, Equatable {
        public var at: String
        public var what: String
    }

    public var desired: DesiredState
    public var actual: String
    public var containerID: String?
    public var health: String?
    public var paused: Bool
    public var firingTriggerAlerts: [FiringAlert]
    public var holdDownUntil: String?
    public var holdDownRemainingSeconds: Double?
    public var failedOverSince: String?
    public var reason: String
    public var lastAction: Event?
    public var lastError: Event?
    /// The one line systemd shows as `Status:`.
    public var summary: String

    enum CodingKeys: String, CodingKey {
        case desired, actual, health, paused, reason, summary
        case containerID = "container_id"
        case firingTriggerAlerts = "firing_trigger_alerts"
        case holdDownUntil = "hold_down_until"
        case holdDownRemainingSeconds = "hold_down_remaining_seconds"
        case failedOverSince = "failed_over_since"
        case lastAction = "last_action"
        case lastError = "last_error"
    }
}
