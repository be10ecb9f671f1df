import FoundationEssentials

/// The answer to "when do we start and stop the cloud copy?", as pure logic.
///
/// Values in, decisions out: no I/O and no clock of its own (every call takes `now`), so every
/// rule is unit-tested with exact times. failoverd owns one engine inside an actor.
public struct FailoverEngine: Sendable {
    /// The rules.
    public let policy: FailoverPolicy
    /// The remembered state; persisted after every change.
    public internal(set) var state: FailoverState

    /// Two `startsAt` this close are one episode: a time read back from `state.json` (to the
    /// microsecond) can differ from Alertmanager's nanosecond original by a rounding step, and
    /// two episodes of one alert start at least a rule evaluation apart.
    static let sameEpisodeTolerance: TimeInterval = 0.001

    /// How long resolved records are kept to recognise stale notices.
    public static let resolvedRetention: TimeInterval = 24 * 3600

    /// Creates an engine from a policy and a (restored) state.
    public init(policy: FailoverPolicy, state: FailoverState = FailoverState()) {
        self.policy = policy
        self.state = state
        self.firing = Self.overview(of: state, policy: policy)
    }

    /// The firing trigger alerts in brief, as of the last notice applied: what every webhook's
    /// status line shows, kept so a repeat at thousands of tracked alerts costs no scan.
    public private(set) var firing: FiringOverview

    private static func overview(of state: FailoverState, policy: FailoverPolicy) -> FiringOverview {
        let scan = state.firingOverview { confirms($0, policy: policy) }
        return FiringOverview(count: scan.count, oldestConfirmed: scan.oldestPreferred, oldest: scan.oldest)
    }

    /// Whether a firing alert confirms on-prem is down; failoverd's own probe only pre-warms.
    static func confirms(_ alert: TrackedAlert, policy: FailoverPolicy) -> Bool {
        alert.source != .probe && policy.isConfirmedTrigger(alert.labels)
    }

    // MARK: Notices

    /// Applies every alert of a webhook, per fingerprint, and returns what changed.
    ///
    /// The group's top-level status is deliberately not used: a group can mix firing and
    /// resolved alerts, and only per-fingerprint facts decide.
    ///
    /// A duplicate changes nothing, not even the time it was received, so the caller can tell
    /// from `stateChanged` that there is nothing to save and nothing to do.
    public mutating func apply(_ webhook: AlertmanagerWebhook, now: Date) -> WebhookDecision {
        let before = state
        let wasFiring = state.isFiring
        var verdicts: [NoticeVerdict] = []
        verdicts.reserveCapacity(webhook.alerts.count)
        var anyApplied = false
        for alert in webhook.alerts {
            guard policy.isTrigger(alert.labels) else {
                verdicts.append(NoticeVerdict(fingerprint: alert.fingerprint, status: alert.status, outcome: .notATrigger))
                continue
            }
            var outcome = Self.classify(alert, from: .webhook, against: state.alerts[alert.fingerprint])
            if outcome == .applied {
                if makeRoom(for: alert.fingerprint, now: now) {
                    record(alert, from: .webhook, now: now)
                    anyApplied = true
                } else {
                    outcome = .overCapacity
                }
            }
            verdicts.append(NoticeVerdict(fingerprint: alert.fingerprint, status: alert.status, outcome: outcome))
        }
        // A webhook of repeats changes nothing: no settling, and no comparison of the whole state.
        if anyApplied { settle(wasFiring: wasFiring, now: now) }
        return WebhookDecision(
            verdicts: verdicts,
            desired: desired(at: now),
            truncatedAlerts: webhook.truncatedAlerts,
            stateChanged: anyApplied && state != before
        )
    }

    /// Whether a notice for `fingerprint` may be recorded: always for one already tracked; for
    /// a new one when there is room under `maximumTrackedAlerts`, after dropping resolved
    /// records whose hold-down has passed (they only serve to spot a late notice as stale).
    mutating func makeRoom(for fingerprint: String, now: Date) -> Bool {
        guard state.alerts[fingerprint] == nil, state.alerts.count >= policy.maximumTrackedAlerts else { return true }
        let settled = now.addingTimeInterval(-policy.holdDown)
        state.alerts = state.alerts.filter { $1.status == .firing || $1.receivedAt > settled }
        return state.alerts.count < policy.maximumTrackedAlerts
    }

    /// Remembers an accepted notice as the latest word on its fingerprint.
    mutating func record(_ alert: Alert, from source: NoticeSource, now: Date) {
        state.alerts[alert.fingerprint] = TrackedAlert(
            fingerprint: alert.fingerprint,
            status: alert.status,
            labels: alert.labels,
            startsAt: alert.startsAt,
            endsAt: alert.endsAt,
            receivedAt: now,
            source: source
        )
    }

    /// Moves between failed over and holding down after notices were recorded.
    mutating func settle(wasFiring: Bool, now: Date) {
        let firing = state.firingAlerts
        if let first = firing.first {
            state.holdDownUntil = nil
            if state.failedOverSince == nil {
                state.failedOverSince = now
                state.lastFailover = FailoverEpisode(triggeredAt: now)
            }
            let confirmed = firing.first { Self.confirms($0, policy: policy) }
            if confirmed != nil, state.lastFailover?.confirmedAt == nil {
                state.lastFailover?.confirmedAt = now
            }
            let count = "\(firing.count) trigger alert\(firing.count == 1 ? "" : "s")"
            state.reason =
                confirmed.map { "failed over: \($0.alertname) firing (\(count))" }
                ?? "pre-warmed: \(first.alertname) firing (\(count)); on-prem not confirmed down"
        } else if wasFiring {
            let confirmed = state.lastFailover?.confirmedAt != nil
            state.holdDownUntil = now.addingTimeInterval(confirmed ? policy.holdDown : policy.prewarmHoldDown)
            state.lastFailover?.recoveredAt = now
            state.reason =
                confirmed
                ? "all trigger alerts resolved; holding down before stopping the cloud copy"
                : "pre-warm alerts resolved without on-prem confirmed down; short hold-down before stopping the cloud copy"
        }
        pruneResolved(now: now)
        self.firing = Self.overview(of: state, policy: policy)
    }

    /// Orders a notice against the latest accepted one of the same fingerprint.
    ///
    /// `startsAt` identifies a firing episode: a later episode always wins, an earlier one is
    /// stale. Within one episode a webhook's resolve is final: a firing that arrives after it is
    /// a reordered or late message (in an HA pair, the second peer sends its stale firing a
    /// peer timeout after the first sent the resolve). A resolve that was only inferred from
    /// Alertmanager's API no longer listing the alert is weaker: the API listing the alert again
    /// revives it (a peer that was away is back), and a resolve webhook makes it final. A firing
    /// webhook alone cannot revive it; it is stale, which makes failoverd ask the API at once.
    static func classify(_ alert: Alert, from source: NoticeSource, against existing: TrackedAlert?) -> NoticeVerdict.Outcome {
        guard let existing else { return .applied }
        let gap = alert.startsAt.timeIntervalSince(existing.startsAt)
        if gap > sameEpisodeTolerance { return .applied }
        if gap < -sameEpisodeTolerance { return .stale }
        let resolutionInferred = existing.source == .alertmanagerAPI
        switch (existing.status, alert.status) {
        case (.firing, .firing): return .duplicate
        case (.resolved, .resolved): return resolutionInferred && source == .webhook ? .applied : .duplicate
        case (.firing, .resolved): return .applied
        case (.resolved, .firing): return resolutionInferred && source == .alertmanagerAPI ? .applied : .stale
        }
    }

    private mutating func pruneResolved(now: Date) {
        func expired(_ alert: TrackedAlert) -> Bool {
            alert.status == .resolved && now.timeIntervalSince(alert.receivedAt) >= Self.resolvedRetention
        }
        // Checked first so a webhook with nothing to prune does not rebuild the dictionary.
        guard state.alerts.values.contains(where: expired) else { return }
        state.alerts = state.alerts.filter { !expired($1) }
    }

    // MARK: Decisions

    /// Whether the cloud copy should run at `now`.
    public func desired(at now: Date) -> DesiredState {
        if state.isFiring { return .running }
        if let until = state.holdDownUntil, now < until { return .running }
        return .stopped
    }

    /// The one action that moves `actual` toward the desired state, if any. While the copy
    /// should be stopped, a standby that is missing or made from an older spec is (re)made,
    /// so a failover stays a single start; not while paused (the operator may be at work on it).
    /// In observe-only mode an action due is withheld, named.
    public func plan(actual: ActualState, now: Date) -> PlannedAction {
        let action = actingPlan(actual: actual, now: now)
        guard policy.observeOnly, let withheld = WithheldAction(action) else { return action }
        return .withheld(withheld)
    }

    private func actingPlan(actual: ActualState, now: Date) -> PlannedAction {
        let wanted = desired(at: now)
        switch (wanted, actual) {
        case (.running, .running), (.stopped, .stopped):
            return .nothing
        case (.stopped, .missing), (.stopped, .outdated):
            return state.paused ? .nothing : .prepare
        case _ where state.paused:
            return .paused
        case (.running, .stopped), (.running, .missing), (.running, .notReady), (.running, .outdated):
            return .start
        case (.stopped, .running), (.stopped, .notReady):
            if let until = stopBudgetBlocksUntil(now: now) { return .waitForStopBudget(until: until) }
            return .stop
        }
    }

    /// When the stop budget is used up, the time a stop becomes allowed again.
    func stopBudgetBlocksUntil(now: Date) -> Date? {
        let windowStart = now.addingTimeInterval(-policy.stopBudgetWindow)
        let inWindow = state.recentStops.filter { $0 > windowStart }.sorted()
        guard inWindow.count >= policy.maximumStopsPerWindow, let oldest = inWindow.first else { return nil }
        return oldest.addingTimeInterval(policy.stopBudgetWindow)
    }

    // MARK: Recording what happened

    /// Records a completed start: the cloud copy runs (the first start of an episode counts).
    public mutating func recordStart(at now: Date) {
        guard state.failedOverSince != nil, state.lastFailover?.runningAt == nil else { return }
        state.lastFailover?.runningAt = now
    }

    /// Takes back a start recorded at `recordedAt` whose copy exited right after it: the
    /// episode is not running until a start holds. A later start (already recorded) is kept.
    public mutating func retractStart(recordedAt: Date) {
        guard state.lastFailover?.runningAt == recordedAt else { return }
        state.lastFailover?.runningAt = nil
    }

    /// Records a completed stop: back to standby.
    public mutating func recordStop(at now: Date) {
        let windowStart = now.addingTimeInterval(-policy.stopBudgetWindow)
        state.recentStops = state.recentStops.filter { $0 > windowStart } + [now]
        state.failedOverSince = nil
        state.holdDownUntil = nil
        state.lastFailover?.stoppedAt = now
        state.reason = "standby: cloud copy stopped after hold-down"
    }

    /// Pauses or resumes automation; alerts are still tracked while paused.
    public mutating func setPaused(_ paused: Bool) {
        state.paused = paused
    }

    /// Adopts a cloud copy found running without state to explain it (first start, corrupt
    /// state file): keep it for one hold-down, so a still-firing alert re-sent by Alertmanager
    /// keeps it, and an idle one is stopped.
    public mutating func adoptRunningContainer(now: Date) {
        guard !state.isFiring, state.holdDownUntil == nil else { return }
        state.holdDownUntil = now.addingTimeInterval(policy.holdDown)
        state.failedOverSince = now
        state.lastFailover = FailoverEpisode(triggeredAt: now)
        // Unknown cause: treated as a confirmed failover, so a later pre-warm cannot shorten it.
        state.lastFailover?.confirmedAt = now
        state.lastFailover?.runningAt = now
        state.lastFailover?.recoveredAt = now
        state.reason = "adopted a running cloud copy without recorded alerts; holding down"
    }
}

/// Whether the cloud copy should run.
public enum DesiredState: String, Codable, Sendable, Equatable {
    case running
    case stopped
}

/// What the runtime says about the cloud copy.
public enum ActualState: String, Codable, Sendable, Equatable {
    /// Running and serving: healthy where it has a health check; for a replicated target, all
    /// its replicas.
    case running
    /// Exists but is not running (created, exited, dead); for a replicated target, scaled to
    /// zero with nothing left running.
    case stopped
    /// Runs but does not serve yet: its health check has not passed (or fails), or, for a
    /// replicated target, fewer replicas serve than asked for, or some still run after a scale
    /// to zero. Either way an action is due.
    case notReady = "not_ready"
    /// Exists and does not run, but was made from an older spec: a standby to make again.
    case outdated
    /// Does not exist.
    case missing
}

/// The action the engine asks for.
public enum PlannedAction: Sendable, Equatable {
    case nothing
    case start
    case stop
    /// The copy should stay stopped, and its standby must be made (again) first.
    case prepare
    /// A stop is due but the stop budget is used up until then.
    case waitForStopBudget(until: Date)
    /// An action is due but automation is paused.
    case paused
    /// An action is due, and observe-only mode holds it back.
    case withheld(WithheldAction)
}

/// An action observe-only mode holds back: what failoverd would have done.
public enum WithheldAction: String, Sendable, Equatable {
    case start
    case stop
    case prepare

    /// The action a plan asks for, when it is one that changes the cloud copy.
    init?(_ plan: PlannedAction) {
        switch plan {
        case .start: self = .start
        case .stop: self = .stop
        case .prepare: self = .prepare
        case .nothing, .waitForStopBudget, .paused, .withheld: return nil
        }
    }

    /// What it would have done, for logs and status: "start the cloud copy".
    public var phrase: String {
        switch self {
        case .start: "start the cloud copy"
        case .stop: "stop the cloud copy"
        case .prepare: "create the cloud copy's standby"
        }
    }
}

/// What happened to one alert of a webhook.
public struct NoticeVerdict: Sendable, Equatable, Encodable {
    /// The outcome kinds.
    public enum Outcome: String, Sendable, Equatable, Encodable, CaseIterable {
        case applied
        case duplicate
        case stale
        case notATrigger = "not_a_trigger"
        /// A new trigger fingerprint refused: `maximumTrackedAlerts` are tracked already.
        case overCapacity = "over_capacity"
    }

    /// The alert's fingerprint.
    public var fingerprint: String
    /// The status the notice claimed.
    public var status: AlertStatus
    /// How it was taken.
    public var outcome: Outcome
}

/// The engine's answer to one webhook.
public struct WebhookDecision: Sendable, Equatable {
    /// Per-alert outcomes, in payload order.
    public var verdicts: [NoticeVerdict]
    /// Desired state after applying the webhook.
    public var desired: DesiredState
    /// Alerts Alertmanager left out; never read as resolutions.
    public var truncatedAlerts: Int
    /// Whether the webhook changed the state: only then is there anything to save.
    public var stateChanged: Bool

    /// Whether any alert of the webhook was a trigger notice that is neither stale nor foreign,
    /// i.e. one whose sender expects the reply to confirm the cloud copy's state.
    public var concernsTheCloudCopy: Bool {
        verdicts.contains { $0.outcome == .applied || $0.outcome == .duplicate }
    }

    /// Trigger notices refused because the tracked-alert cap is reached.
    public var refusedOverCapacity: Int {
        verdicts.reduce(0) { $0 + ($1.outcome == .overCapacity ? 1 : 0) }
    }

    /// Whether a notice was older than what the engine knows: a sign that the sender's view and
    /// the engine's differ (a late HA peer, a lost notice), worth checking with Alertmanager.
    public var disagreesWithState: Bool {
        verdicts.contains { $0.outcome == .stale }
    }
}
