import DockerEngine
import FailoverCore
import FoundationEssentials
import Logging

/// Owns the failover state and is the only place that acts on the cloud container.
///
/// Decisions are applied synchronously inside the actor; Docker work runs in one chain of
/// convergence tasks, each starting after the previous one finished, so a burst of identical
/// webhooks makes exactly one `start` — later ones find the container already running.
public actor FailoverController {
    /// How one convergence ended.
    public enum Convergence: Sendable, Equatable {
        /// Actual already matched desired.
        case inSync
        /// An action ran and succeeded.
        case acted(String)
        /// An action is due but automation is paused.
        case paused
        /// A stop is due but waits for the stop budget.
        case deferred(until: Date)
        /// Docker failed; a retry can help.
        case failed(DockerError)
    }

    private var engine: FailoverEngine
    private let runtime: any CloudContainerRuntime
    private let store: StateStore
    private let metrics: DaemonMetrics
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var snapshot: ContainerSnapshot?
    private var lastAction: StatusReport.Event?
    private var lastError: StatusReport.Event?
    private var dockerUp = false
    private var convergenceTail: Task<Convergence, Never>?
    /// When the convergence now talking to Docker began; nil between convergences.
    private var convergenceStartedAt: ContinuousClock.Instant?
    private var statusObservers: [@Sendable (String) -> Void] = []
    /// Consecutive failed convergences; the reconcile loop backs off on it.
    public private(set) var consecutiveFailures = 0

    /// Creates a controller; call `bootstrap()` before serving.
    public init(
        policy: FailoverPolicy,
        runtime: any CloudContainerRuntime,
        store: StateStore,
        metrics: DaemonMetrics,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.engine = FailoverEngine(policy: policy)
        self.runtime = runtime
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    /// Calls `observer` with the one-line status on every change (systemd `STATUS=`).
    public func onStatusChange(_ observer: @escaping @Sendable (String) -> Void) {
        statusObservers.append(observer)
        observer(report().summary)
    }

    // MARK: Startup

    /// Restores state, looks at Docker, adopts a running copy nobody explains, and pre-creates
    /// the container so a failover is a single `start`. Docker being down is not fatal.
    public func bootstrap() async throws(StateStore.Failure) {
        switch try store.load(now: now()) {
        case .fresh:
            logger.info("no saved state; starting in standby", metadata: ["state.path": .string(store.path)])
        case .restored(let state):
            engine = FailoverEngine(policy: engine.policy, state: state)
            logger.info("state restored", metadata: [
                "state.path": .string(store.path), "firing": .stringConvertible(state.firingAlerts.count),
                "paused": .stringConvertible(state.paused),
            ])
        case .corrupt(let aside, let reason):
            logger.error("state file unreadable; moved aside, rebuilding from Docker", metadata: [
                "state.moved_to": .string(aside), "error": .string(reason),
            ])
        }
        do {
            let prepared = try await timed("prepare") { () async throws(DockerError) in try await self.runtime.prepare() }
            recordDockerSuccess(prepared)
            if prepared.actual == .running && engine.desired(at: now()) == .stopped {
                engine.adoptRunningContainer(now: now())
                logger.notice("adopted a running cloud copy without recorded alerts", metadata: ["container.id": .string(prepared.id ?? "")])
            }
            try store.save(engine.state)
        } catch let error as DockerError {
            recordDockerFailure(error, during: "prepare")
        } catch let error as StateStore.Failure {
            throw error
        } catch {
            logger.error("unexpected bootstrap error", metadata: ["error": .string("\(error)")])
        }
        publish()
    }

    // MARK: Webhooks

    /// The outcome of one webhook.
    public struct WebhookOutcome: Sendable {
        /// The engine's decision.
        public var decision: WebhookDecision
        /// How convergence ended, or nil when it did not finish before the reply deadline.
        public var convergence: Convergence?
        /// Whether the new state reached disk.
        public var persisted: Bool
    }

    /// Applies a webhook, persists, and converges, waiting at most `deadline` for Docker.
    public func receive(_ webhook: AlertmanagerWebhook, deadline: Duration) async -> WebhookOutcome {
        let decision = engine.apply(webhook, now: now())
        for verdict in decision.verdicts {
            metrics.notice(verdict.outcome)
            logger.info("alert notice", metadata: [
                "alert.fingerprint": .string(verdict.fingerprint), "alert.status": .string(verdict.status.rawValue),
                "decision.outcome": .string(verdict.outcome.rawValue), "alertmanager.group_key": .string(webhook.groupKey),
            ])
        }
        if decision.truncatedAlerts > 0 {
            logger.warning("Alertmanager truncated alerts; raise max_alerts on the failover receiver", metadata: [
                "alertmanager.truncated_alerts": .stringConvertible(decision.truncatedAlerts),
            ])
        }
        let persisted = persist()
        publish()
        let convergence = await scheduleConvergence().value(within: deadline)
        return WebhookOutcome(decision: decision, convergence: convergence, persisted: persisted)
    }

    // MARK: Operator and loop

    /// One reconcile pass: bring actual to desired (restart a vanished or exited copy, stop
    /// after the hold-down).
    public func reconcile() async -> Convergence {
        await scheduleConvergence().value
    }

    /// Pauses or resumes automation; persisted, so a restart keeps the operator's choice.
    public func setPaused(_ paused: Bool) -> Bool {
        engine.setPaused(paused)
        logger.notice(paused ? "automation paused by operator" : "automation resumed by operator")
        let persisted = persist()
        publish()
        return persisted
    }

    /// The current status.
    public func report() -> StatusReport {
        let current = now()
        let state = engine.state
        let desired = engine.desired(at: current)
        let remaining = state.holdDownUntil.map { max(0, $0.timeIntervalSince(current)) }
        let firing = state.firingAlerts.map {
            StatusReport.FiringAlert(fingerprint: $0.fingerprint, alertname: $0.alertname, labels: $0.labels, startsAt: RFC3339.format($0.startsAt))
        }
        return StatusReport(
            desired: desired,
            actual: dockerUp ? (snapshot?.status ?? "unknown") : "unknown (docker unreachable)",
            containerID: snapshot?.id,
            health: snapshot?.health,
            paused: state.paused,
            firingTriggerAlerts: firing,
            holdDownUntil: state.holdDownUntil.map(RFC3339.format),
            holdDownRemainingSeconds: remaining,
            failedOverSince: state.failedOverSince.map(RFC3339.format),
            reason: state.reason,
            lastAction: lastAction,
            lastError: lastError,
            summary: summaryLine(desired: desired, remaining: remaining)
        )
    }

    private func summaryLine(desired: DesiredState, remaining: Double?) -> String {
        let state = engine.state
        var parts: [String] = []
        if state.paused { parts.append("PAUSED by operator") }
        if !dockerUp { parts.append("Docker unreachable") }
        if let since = state.failedOverSince, desired == .running {
            let firing = state.firingAlerts
            if let first = firing.first {
                parts.append("failed over since \(RFC3339.format(since)): \(first.alertname) firing (\(firing.count))")
            } else if let remaining {
                parts.append("failed over since \(RFC3339.format(since)); on-prem recovered, stopping cloud in \(Int(remaining.rounded(.up))) s")
            } else {
                parts.append("failed over since \(RFC3339.format(since))")
            }
        } else {
            parts.append("standby: cloud copy \(snapshot?.status ?? "unknown")")
        }
        return parts.joined(separator: "; ")
    }

    // MARK: Liveness

    /// Whether the decision loop is making progress.
    public enum Liveness: Sendable, Equatable {
        /// No convergence, or one still within its time limit.
        case alive
        /// One convergence has been running longer than any healthy one can (a hung Docker call).
        case stalled(for: Duration)
    }

    /// Answering at all proves the actor is not blocked; the answer says whether the convergence
    /// in flight, if any, is older than `limit`. The systemd watchdog pings only on `.alive`.
    public func liveness(limit: Duration) -> Liveness {
        guard let started = convergenceStartedAt else { return .alive }
        let elapsed = ContinuousClock.now - started
        return elapsed > limit ? .stalled(for: elapsed) : .alive
    }

    // MARK: Convergence

    private func scheduleConvergence() -> Task<Convergence, Never> {
        let previous = convergenceTail
        let task = Task {
            _ = await previous?.value
            return await self.convergeOnce()
        }
        convergenceTail = task
        return task
    }

    private func convergeOnce() async -> Convergence {
        convergenceStartedAt = .now
        defer { convergenceStartedAt = nil }
        do {
            let observed = try await timed("observe") { () async throws(DockerError) in try await self.runtime.observe() }
            recordDockerSuccess(observed)
            let plan = engine.plan(actual: observed.actual, now: now())
            switch plan {
            case .nothing:
                consecutiveFailures = 0
                return .inSync
            case .paused:
                return .paused
            case .waitForStopBudget(let until):
                logger.notice("stop deferred: stop budget used up (on-prem is flapping)", metadata: ["until": .string(RFC3339.format(until))])
                return .deferred(until: until)
            case .start:
                let started = try await act("start") { () async throws(DockerError) in try await self.runtime.start() }
                recordDockerSuccess(started)
                return .acted("start")
            case .stop:
                let stopped = try await act("stop") { () async throws(DockerError) in try await self.runtime.stop() }
                recordDockerSuccess(stopped)
                engine.recordStop(at: now())
                _ = persist()
                return .acted("stop")
            }
        } catch {
            consecutiveFailures += 1
            recordDockerFailure(error, during: "converge")
            return .failed(error)
        }
    }

    private func act(_ kind: String, _ body: @escaping @Sendable () async throws(DockerError) -> ContainerSnapshot) async throws(DockerError) -> ContainerSnapshot {
        do {
            let result = try await timed(kind, body)
            metrics.action(kind, result: "success")
            lastAction = .init(at: RFC3339.format(now()), what: "\(kind) \(result.id.map { String($0.prefix(12)) } ?? "")")
            consecutiveFailures = 0
            logger.notice("cloud container \(kind == "start" ? "started" : "stopped")", metadata: [
                "failover.action": .string(kind), "container.id": .string(result.id ?? ""),
                "container.health": .string(result.health ?? "none"), "reason": .string(engine.state.reason),
            ])
            return result
        } catch {
            metrics.action(kind, result: "failure")
            lastAction = .init(at: RFC3339.format(now()), what: "\(kind) failed")
            throw error
        }
    }

    private func timed(_ operation: String, _ body: @Sendable () async throws(DockerError) -> ContainerSnapshot) async throws(DockerError) -> ContainerSnapshot {
        let started = ContinuousClock.now
        defer { metrics.dockerOperation(operation, seconds: (ContinuousClock.now - started).inSeconds) }
        return try await body()
    }

    private func recordDockerSuccess(_ observed: ContainerSnapshot) {
        if !dockerUp { logger.info("docker reachable") }
        dockerUp = true
        snapshot = observed
        publish()
    }

    private func recordDockerFailure(_ error: DockerError, during phase: String) {
        dockerUp = error.kind != .unreachable && error.kind != .timeout
        lastError = .init(at: RFC3339.format(now()), what: error.description)
        logger.error("docker call failed", metadata: [
            "phase": .string(phase), "docker.call": .string(error.call), "docker.error_kind": .string(error.kind.rawValue),
            "container.id": .string(error.container ?? ""), "docker.status": .string(error.status.map(String.init) ?? ""),
            "error": .string(error.message),
        ])
        publish()
    }

    /// Saves the state; on failure logs and reports false (the caller answers 503 so the sender retries).
    private func persist() -> Bool {
        do {
            try store.save(engine.state)
            return true
        } catch {
            lastError = .init(at: RFC3339.format(now()), what: "state not saved: \(error)")
            logger.error("state not saved", metadata: ["state.path": .string(store.path), "error": .string("\(error)")])
            return false
        }
    }

    private var lastPublished = ""

    private func publish() {
        let current = now()
        let desired = engine.desired(at: current)
        metrics.state(
            desiredRunning: desired == .running,
            actualRunning: snapshot.map { $0.actual == .running },
            firing: engine.state.firingAlerts.count,
            holdDownRemaining: engine.state.holdDownUntil.map { max(0, $0.timeIntervalSince(current)) } ?? 0,
            paused: engine.state.paused,
            dockerUp: dockerUp
        )
        let line = report().summary
        guard line != lastPublished else { return }
        lastPublished = line
        for observer in statusObservers { observer(line) }
    }
}
