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

    /// A cloud copy that keeps exiting right after it was started.
    public struct CrashLoop: Codable, Sendable, Equatable {
        /// Starts in a row after which the copy exited within the settle time.
        public var quickExits: Int
        /// When failoverd starts it again (RFC 3339).
        public var nextStartAt: String

        enum CodingKeys: String, CodingKey {
            case quickExits = "quick_exits"
            case nextStartAt = "next_start_at"
        }
    }

    /// When each phase of the current or last failover happened (RFC 3339), as failoverd saw it.
    public struct Episode: Codable, Sendable, Equatable {
        /// The first firing trigger notice of the failover.
        public var triggeredAt: String
        /// A confirmed trigger first fired; nil while only pre-warm triggers fired.
        public var confirmedAt: String?
        /// The cloud copy confirmed running after its start.
        public var runningAt: String?
        /// The last trigger resolved; the hold-down began.
        public var recoveredAt: String?
        /// The cloud copy stopped again.
        public var stoppedAt: String?

        enum CodingKeys: String, CodingKey {
            case triggeredAt = "triggered_at"
            case confirmedAt = "confirmed_at"
            case runningAt = "running_at"
            case recoveredAt = "recovered_at"
            case stoppedAt = "stopped_at"
        }
    }

    /// An action observe-only mode holds back.
    public struct Withheld: Codable, Sendable, Equatable {
        /// start, stop or prepare.
        public var action: String
        /// Since when it is due (RFC 3339): when failoverd would have done it.
        public var since: String
    }

    /// At most this many firing alerts are listed, so `/status` stays small and quick when a
    /// trigger matches thousands of alerts; the total is always given.
    public static let firingAlertsShown = 100

    /// The service's name, when the configuration lists services.
    public var service: String?
    /// act, or observe: decisions are made and shown, no action is taken. Nil from a daemon of
    /// an earlier release (which always acts), so the CLI reads it across an upgrade.
    public var mode: String?
    /// What observe-only mode holds back now; nil when nothing is (or failoverd acts).
    public var withheld: Withheld?
    public var desired: DesiredState
    public var actual: String
    public var containerID: String?
    public var health: String?
    /// The image the copy is made from: the registry digest it was pulled as, else its image id.
    public var image: String?
    /// Set while a running copy was made from an older spec: the current one applies at its next start.
    public var specChangePending: Bool?
    public var paused: Bool
    /// The newest `StatusReport.firingAlertsShown` firing trigger alerts, oldest first.
    public var firingTriggerAlerts: [FiringAlert]
    /// How many trigger alerts fire, shown or not.
    public var firingTriggerAlertsTotal: Int
    /// Trigger alerts tracked (firing and recently resolved), against `max_tracked_alerts`.
    public var trackedAlerts: Int
    public var holdDownUntil: String?
    public var holdDownRemainingSeconds: Double?
    public var failedOverSince: String?
    public var reason: String
    public var lastAction: Event?
    public var lastError: Event?
    /// The phases of the current or last failover; nil before the first.
    public var lastFailover: Episode?
    /// Set while the cloud copy keeps exiting right after it starts.
    public var crashLoop: CrashLoop?
    /// Since when saves of the state fail (RFC 3339): what failoverd decides lives in memory only.
    public var stateNotSavedSince: String?
    /// Until when a due stop waits for the stop budget (RFC 3339); nil when none is deferred.
    public var stopDeferredUntil: String?
    /// The one line systemd shows as `Status:`.
    public var summary: String

    enum CodingKeys: String, CodingKey {
        case service, mode, withheld, desired, actual, health, image, paused, reason, summary
        case containerID = "container_id"
        case specChangePending = "spec_change_pending"
        case firingTriggerAlerts = "firing_trigger_alerts"
        case firingTriggerAlertsTotal = "firing_trigger_alerts_total"
        case trackedAlerts = "tracked_alerts"
        case holdDownUntil = "hold_down_until"
        case holdDownRemainingSeconds = "hold_down_remaining_seconds"
        case failedOverSince = "failed_over_since"
        case lastAction = "last_action"
        case lastError = "last_error"
        case lastFailover = "last_failover"
        case crashLoop = "crash_loop"
        case stateNotSavedSince = "state_not_saved_since"
        case stopDeferredUntil = "stop_deferred_until"
    }
}
