import FoundationEssentials

/// Everything the engine remembers; persisted by failoverd so a restart loses nothing.
public struct FailoverState: Codable, Sendable, Equatable {
    /// Latest accepted notice per trigger fingerprint. Resolved records are kept for a while so
    /// a late, reordered firing of the same episode is recognised as stale.
    public var alerts: [String: TrackedAlert] = [:]
    /// When the cloud copy may be stopped, set when the last trigger resolves.
    public var holdDownUntil: Date?
    /// Operator switch: while paused nothing is started or stopped.
    public var paused = false
    /// Times of recent stops, for the stop budget.
    public var recentStops: [Date] = []
    /// When the cloud copy was first wanted in the current failover, nil in standby.
    public var failedOverSince: Date?
    /// A human reason for the current desired state.
    public var reason: String = "standby: no trigger alert has fired"
    /// The phases of the current or most recent failover; nil until the first one.
    public var lastFailover: FailoverEpisode?

    /// An empty state: standby.
    public init() {}

    /// Whether any trigger alert fires; cheaper than `firingAlerts`, which sorts.
    public var isFiring: Bool {
        alerts.values.contains { $0.status == .firing }
    }

    /// How many trigger alerts fire, the oldest of them, and the oldest that `preferred` picks,
    /// in one pass: a status line needs no more, and sorting thousands of alerts on every
    /// webhook would cost milliseconds.
    public func firingOverview(preferring preferred: (TrackedAlert) -> Bool) -> (count: Int, oldestPreferred: TrackedAlert?, oldest: TrackedAlert?) {
        func older(_ a: TrackedAlert, than b: TrackedAlert?) -> Bool {
            guard let b else { return true }
            return (a.startsAt, a.fingerprint) < (b.startsAt, b.fingerprint)
        }
        var count = 0
        var oldest: TrackedAlert?
        var oldestPreferred: TrackedAlert?
        for alert in alerts.values where alert.status == .firing {
            count += 1
            if older(alert, than: oldest) { oldest = alert }
            if preferred(alert), older(alert, than: oldestPreferred) { oldestPreferred = alert }
        }
        return (count, oldestPreferred, oldest)
    }

    /// Trigger alerts currently firing, oldest first.
    public var firingAlerts: [TrackedAlert] {
        alerts.values.filter { $0.status == .firing }.sorted { ($0.startsAt, $0.fingerprint) < ($1.startsAt, $1.fingerprint) }
    }
}

/// The latest accepted notice for one fingerprint.
public struct TrackedAlert: Codable, Sendable, Equatable {
    /// Alertmanager's fingerprint.
    public var fingerprint: String
    /// Firing or resolved.
    public var status: AlertStatus
    /// The alert's labels, kept for status output and logs.
    public var labels: [String: String]
    /// Start of the firing episode.
    public var startsAt: Date
    /// End of the episode, when known.
    public var endsAt: Date?
    /// When failoverd received this notice.
    public var receivedAt: Date
    /// Where the record came from; nil in state files written before the Alertmanager API
    /// could correct webhooks, which held webhook notices only.
    public var source: NoticeSource?

    /// The alert name, for one-line summaries.
    public var alertname: String { labels["alertname"] ?? "?" }
}

/// Where a trigger alert's latest status came from.
public enum NoticeSource: String, Codable, Sendable, Equatable {
    /// A webhook notification: Alertmanager said so about this alert.
    case webhook
    /// Alertmanager's API listed the alert as active, or stopped listing it: an inference that
    /// a later notice about the same episode may overrule (see `FailoverEngine.classify`).
    case alertmanagerAPI = "alertmanager_api"
    /// failoverd's own probe of on-prem: a pre-warm that Alertmanager never heard of, so its
    /// view neither confirms nor resolves it.
    case probe
}

/// When each phase of one failover happened, as failoverd saw it: the evidence an operator
/// (and the lab drill's report) reads instead of log text.
public struct FailoverEpisode: Codable, Sendable, Equatable {
    /// The first firing trigger notice that made the cloud copy wanted.
    public var triggeredAt: Date
    /// When a confirmed trigger first fired in this failover; nil while only pre-warm triggers
    /// fired (then the short pre-warm hold-down applies).
    public var confirmedAt: Date?
    /// When the cloud copy was confirmed running (and healthy) after a start.
    public var runningAt: Date?
    /// When the last trigger alert resolved and the hold-down began.
    public var recoveredAt: Date?
    /// When the cloud copy was stopped again.
    public var stoppedAt: Date?

    /// Starts an episode at its trigger.
    public init(triggeredAt: Date) {
        self.triggeredAt = triggeredAt
    }

    private enum CodingKeys: String, CodingKey {
        case triggeredAt, confirmedAt, runningAt, recoveredAt, stoppedAt
    }

    /// Reads a saved episode. A state file written before pre-warm triggers existed has no
    /// `confirmedAt`: every failover then was confirmed, and must keep its full hold-down.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        triggeredAt = try container.decode(Date.self, forKey: .triggeredAt)
        confirmedAt =
            container.contains(.confirmedAt) ? try container.decodeIfPresent(Date.self, forKey: .confirmedAt) : triggeredAt
        runningAt = try container.decodeIfPresent(Date.self, forKey: .runningAt)
        recoveredAt = try container.decodeIfPresent(Date.self, forKey: .recoveredAt)
        stoppedAt = try container.decodeIfPresent(Date.self, forKey: .stoppedAt)
    }

    /// Writes `confirmedAt` even when nil, so reading it back can tell "not confirmed" from an
    /// older file.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(triggeredAt, forKey: .triggeredAt)
        try container.encode(confirmedAt, forKey: .confirmedAt)
        try container.encodeIfPresent(runningAt, forKey: .runningAt)
        try container.encodeIfPresent(recoveredAt, forKey: .recoveredAt)
        try container.encodeIfPresent(stoppedAt, forKey: .stoppedAt)
    }
}

/// How many trigger alerts fire, and which to name in a one-line status.
public struct FiringOverview: Sendable, Equatable {
    /// Trigger alerts firing.
    public var count: Int
    /// The oldest firing alert that says on-prem is down (a confirmed trigger), if any.
    public var oldestConfirmed: TrackedAlert?
    /// The oldest firing alert of any kind.
    public var oldest: TrackedAlert?
}
