import FailoverCore
import FoundationEssentials
import Logging

/// Owns the failover state and is the only place that acts on the cloud copy.
///
/// Decisions are applied synchronously inside the actor; runtime work runs in one chain of
/// convergence tasks, each starting after the previous one finished, so a burst of identical
/// webhooks makes exactly one `start`: later ones find the copy already running.
public actor FailoverController {
    private var engine: FailoverEngine
    private let runtime: any CloudRuntime
    private let store: StateStore
    private let journal: DecisionJournal
    private let metrics: DaemonMetrics
    private let clock: any DaemonClock
    private var observations = RuntimeObservations()
    private var convergenceTail: Task<ConvergenceOutcome, Never>?
    /// When the convergence now talking to the runtime began; nil between convergences.
    private var convergenceStartedAt: ContinuousClock.Instant?
    private var statusObservers: [@Sendable (String) -> Void] = []
    private var lastPublished = ""
    /// Consecutive failed convergences; the reconcile loop backs off on it.
    public private(set) var consecutiveFailures = 0

    /// Creates a controller; call `bootstrap()` before serving.
    public init(
        policy: FailoverPolicy,
        runtime: any CloudRuntime,
        store: StateStore,
        metrics: DaemonMetrics,
        logger: Logger,
        clock: any DaemonClock
    ) {
        self.engine = FailoverEngine(policy: policy)
        self.runtime = runtime
        self.store = store
        self.journal = DecisionJournal(logger: logger, metrics: metrics)
        self.metrics = metrics
        self.clock = clock
    }

    /// Calls `observer` with the one-line status on every change (systemd `STATUS=`).
    public func onStatusChange(_ observer: @escaping @Sendable (String) -> Void) {
        statusObservers.append(observer)
        observer(summary())
    }

    // MARK: Startup

    /// Restores state, looks at the runtime, adopts a running copy nobody explains, and
    /// prepares the target so a failover is a single `start`. The runtime being down is not fatal.
    public func bootstrap() async throws(StateStore.Failure) {
        let loaded = try store.load(now: clock.now())
        journal.loaded(loaded, from: store.path, engineName: runtime.engineName)
        if case .restored(let state) = loaded {
            engine = FailoverEngine(policy: engine.policy, state: state)
        }
        do {
            let prepared = try await timed(.prepare) { () async throws(RuntimeFailure) in try await self.runtime.prepare() }
            recordSuccess(prepared)
            if prepared.actual == .running && engine.desired(at: clock.now()) == .stopped {
                engine.adoptRunningContainer(now: clock.now())
                journal.adopted(prepared)
            }
            try store.save(engine.state)
        } catch let failure as RuntimeFailure {
            recordFailure(failure, during: .prepare)
        } catch let failure as StateStore.Failure {
            throw failure
        } catch {
            journal.unexpected(error, during: "bootstrap")
        }
        publish()
    }

    // MARK: Webhooks

    /// The outcome of one webhook.
    public struct WebhookOutcome: Sendable {
        /// The engine's decision.
        public var decision: WebhookDecision
        /// How convergence ended, or nil when it did not finish before the reply deadline.
        public var convergence: ConvergenceOutcome?
        /// Whether the new state reached disk.
        public var persisted: Bool
        /// The one-line status after the webhook, for the reply.
        public var summary: String
        /// The runtime's name, for replies about its failures.
        public var engineName: String
    }

    /// Applies a webhook, persists, and converges, waiting at most `deadline` for the runtime.
    public func receive(_ webhook: AlertmanagerWebhook, deadline: Duration) async -> WebhookOutcome {
        let decision = engine.apply(webhook, now: clock.now())
        journal.decided(decision, groupKey: webhook.groupKey)
        let persisted = persist()
        publish()
        let convergence = await scheduleConvergence().value(within: deadline)
        return WebhookOutcome(
            decision: decision,
            convergence: convergence,
            persisted: persisted,
            summary: summary(),
            engineName: runtime.engineName
        )
    }

    // MARK: Operator and loop

    /// One reconcile pass: bring actual to desired (restart a vanished or exited copy, stop
    /// after the hold-down).
    public func reconcile() async -> ConvergenceOutcome {
        await scheduleConvergence().value
    }

    /// Pauses or resumes automation; persisted, so a restart keeps the operator's choice.
    public func setPaused(_ paused: Bool) -> Bool {
        engine.setPaused(paused)
        journal.pauseChanged(paused)
        let persisted = persist()
        publish()
        return persisted
    }

    /// The current status.
    public func report() -> StatusReport {
        StatusReport(engine: engine, observations: observations, engineName: runtime.engineName, now: clock.now())
    }

    private func summary() -> String {
        report().summary
    }

    // MARK: Liveness

    /// Whether the decision loop is making progress.
    public enum Liveness: Sendable, Equatable {
        /// No convergence, or one still within its time limit.
        case alive
        /// One convergence has been running longer than any healthy one can (a hung runtime call).
        case stalled(for: Duration)
    }

    /// Answering at all proves the actor is not blocked; the answer says whether the convergence
    /// in flight, if any, is older than `limit`. The systemd watchdog pings only on `.alive`.
    public func liveness(limit: Duration) -> Liveness {
        guard let started = convergenceStartedAt else { return .alive }
        let elapsed = clock.monotonicNow() - started
        return elapsed > limit ? .stalled(for: elapsed) : .alive
    }

    // MARK: Convergence

    private func scheduleConvergence() -> Task<ConvergenceOutcome, Never> {
        let previous = convergenceTail
        let task = Task {
            _ = await previous?.value
            return await self.convergeOnce()
        }
        convergenceTail = task
        return task
    }

    /// Observes, asks the engine for the one action that moves actual toward desired, runs it.
    private func convergeOnce() async -> ConvergenceOutcome {
        convergenceStartedAt = clock.monotonicNow()
        defer { convergenceStartedAt = nil }
        do {
            let observed = try await timed(.observe) { () async throws(RuntimeFailure) in try await self.runtime.observe() }
            recordSuccess(observed)
            switch engine.plan(actual: observed.actual, now: clock.now()) {
            case .nothing:
                consecutiveFailures = 0
                return .inSync
            case .paused:
                return .paused
            case .waitForStopBudget(let until):
                journal.stopDeferred(until: until)
                return .deferred(until: until)
            case .start:
                try await act(.start)
                return .acted(.start)
            case .stop:
                try await act(.stop)
                return .acted(.stop)
            }
        } catch {
            consecutiveFailures += 1
            recordFailure(error, during: .converge)
            return .failed(error)
        }
    }

    /// Runs one action, records it in the engine, the journal and the metrics.
    private func act(_ action: RuntimeAction) async throws(RuntimeFailure) {
        do {
            let result = try await timed(RuntimeOperation(action)) { () async throws(RuntimeFailure) in
                switch action {
                case .start: try await self.runtime.start()
                case .stop: try await self.runtime.stop()
                }
            }
            recordSuccess(result)
            switch action {
            case .start: engine.recordStart(at: clock.now())
            case .stop: engine.recordStop(at: clock.now())
            }
            consecutiveFailures = 0
            observations.lastAction = .init(
                at: RFC3339.format(clock.now()),
                what: "\(action.rawValue) \(result.id.map { String($0.prefix(12)) } ?? "")"
            )
            journal.acted(action, result: result, reason: engine.state.reason)
            _ = persist()
        } catch {
            journal.actionFailed(action)
            observations.lastAction = .init(at: RFC3339.format(clock.now()), what: "\(action.rawValue) failed")
            throw error
        }
    }

    private func timed(
        _ operation: RuntimeOperation,
        _ body: @Sendable () async throws(RuntimeFailure) -> RuntimeSnapshot
    ) async throws(RuntimeFailure) -> RuntimeSnapshot {
        let started = clock.monotonicNow()
        defer { journal.timed(operation, elapsed: clock.monotonicNow() - started) }
        return try await body()
    }

    private func recordSuccess(_ observed: RuntimeSnapshot) {
        if !observations.engineUp { journal.engineReachable(runtime.engineName) }
        observations.engineUp = true
        observations.snapshot = observed
        publish()
    }

    private func recordFailure(_ failure: RuntimeFailure, during phase: ConvergencePhase) {
        observations.engineUp = !failure.engineIsDown
        observations.lastError = .init(at: RFC3339.format(clock.now()), what: failure.description)
        journal.runtimeFailed(failure, during: phase)
        publish()
    }

    /// Saves the state; on failure logs and reports false (the caller answers 503 so the sender retries).
    private func persist() -> Bool {
        do {
            try store.save(engine.state)
            return true
        } catch {
            observations.lastError = .init(at: RFC3339.format(clock.now()), what: "state not saved: \(error)")
            journal.notSaved(error, path: store.path)
            return false
        }
    }

    /// Updates the state gauges and tells observers when the one-line status changed.
    private func publish() {
        let current = report()
        metrics.state(
            desiredRunning: current.desired == .running,
            actualRunning: observations.snapshot.map { $0.actual == .running },
            firing: current.firingTriggerAlerts.count,
            holdDownRemaining: current.holdDownRemainingSeconds ?? 0,
            paused: current.paused,
            engineUp: observations.engineUp
        )
        guard current.summary != lastPublished else { return }
        lastPublished = current.summary
        for observer in statusObservers { observer(current.summary) }
    }
}
