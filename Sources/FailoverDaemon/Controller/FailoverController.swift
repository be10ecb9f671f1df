import FailoverCore
import FoundationEssentials
import Logging
import ServiceSupport

/// Owns the failover state and decides what the cloud copy must do; its `CloudCopyOperator`
/// does it, on the actor's executor, and the `ConvergenceRunner` says when.
///
/// Decisions are applied synchronously inside the actor. A webhook that changes nothing costs
/// no runtime call and no disk write: the last observation, kept current by the runtime's own
/// change feed, answers it. Runtime work is single-flight: one convergence runs at a time and
/// every request made meanwhile shares one follow-up, so a burst of webhooks during a start
/// makes one `start` and at most one more `observe`.
public actor FailoverController: CloudCopyDecisions {
    var engine: FailoverEngine
    private let store: StateStore
    private let journal: DecisionJournal
    private let metrics: DaemonMetrics
    private let clock: any DaemonClock
    /// Runs the passes that call the runtime, and keeps what it showed.
    let cloudCopy: CloudCopyOperator
    /// When the passes run: single flight, and the wake-ups at the times a decision falls due.
    let runner: ConvergenceRunner<ConvergenceOutcome>
    /// Whether the runtime's change feed is connected: only then is the last observation
    /// known to be current, and a changed state can be answered without asking the runtime.
    var runtimeWatchLive = false
    /// Keeps the engine's times on the monotonic clock's side of a wall-clock step.
    private var clockSteps: ClockStepDetector
    private var publisher = StatusPublisher()
    /// Called when a notice disagrees with the state (see `WebhookDecision.disagreesWithState`).
    private var disagreementObserver: (@Sendable () -> Void)?
    /// Consecutive failed convergences; the reconcile loop backs off on it.
    public var consecutiveFailures: Int { cloudCopy.consecutiveFailures }
    private var runtimeName: String { cloudCopy.runtime.runtimeName }
    private var observations: RuntimeObservations { cloudCopy.observations }

    /// Creates a controller; call `bootstrap()` before serving.
    public init(
        policy: FailoverPolicy,
        runtime: any CloudRuntime,
        store: StateStore,
        metrics: DaemonMetrics,
        logger: Logger,
        clock: any DaemonClock,
        maximumRestartDelay: Duration = .seconds(60)
    ) {
        self.engine = FailoverEngine(policy: policy)
        self.clockSteps = ClockStepDetector(wall: clock.now(), monotonic: clock.monotonicNow())
        self.store = store
        self.journal = DecisionJournal(logger: logger, metrics: metrics)
        self.cloudCopy = CloudCopyOperator(runtime: runtime, journal: journal, clock: clock, maximumRestartDelay: maximumRestartDelay)
        self.runner = ConvergenceRunner(clock: clock)
        self.metrics = metrics
        self.clock = clock
    }

    /// Calls `observer` with the one-line status on every change (systemd `STATUS=`).
    public func onStatusChange(_ observer: @escaping @Sendable (String) -> Void) {
        followClockStep()
        publisher.observe(observer, current: summary())
    }

    /// Decides by `policy` from now on (a configuration reload). The failover state is kept: a
    /// hold-down already counting keeps its deadline, the new one applies from the next resolve.
    /// One convergence follows, so a stop the old stop budget deferred happens if the new allows it.
    public func adopt(_ policy: FailoverPolicy) {
        if policy.observeOnly != engine.policy.observeOnly { journal.modeChanged(observeOnly: policy.observeOnly) }
        // Acting, nothing is withheld, whether or not the runtime answers the convergence below.
        if !policy.observeOnly { cloudCopy.stopWithholding() }
        engine = FailoverEngine(policy: policy, state: engine.state)
        publish()
        _ = requestConvergence()
    }

    /// Calls `observer` whenever a webhook carries a notice older than what is known, so
    /// Alertmanager's API can be asked at once instead of at its next interval.
    public func onDisagreement(_ observer: @escaping @Sendable () -> Void) {
        disagreementObserver = observer
    }

    // MARK: Startup

    /// Restores state, corrects it with Alertmanager's view when there is one (a resolve or a
    /// firing sent while failoverd was down), looks at the runtime, adopts a running copy
    /// nobody explains, and prepares the target so a failover is a single `start`. Neither the
    /// runtime being down nor a state directory that cannot be written is fatal: without disk
    /// failoverd decides in memory, says so, and retries the save every reconcile pass.
    public func bootstrap(alertmanagerView: AlertmanagerView? = nil) async {
        // Anchored afresh, so no clock step is followed (and saved) before the state is loaded.
        clockSteps = ClockStepDetector(wall: clock.now(), monotonic: clock.monotonicNow())
        let loaded = store.load(now: clock.now())
        journal.loaded(loaded, from: store.path, runtimeName: runtimeName)
        switch loaded {
        case .restored(let state):
            engine = FailoverEngine(policy: engine.policy, state: state)
            journal.correctedRestoredTimes(engine.correctRestoredTimes(now: now()))
        case .corrupt(_, _, let paused):
            engine.setPaused(paused)
        case .fresh:
            break
        }
        if let alertmanagerView {
            journal.corrected(engine.apply(alertmanagerView, now: now()))
        }
        if engine.policy.observeOnly { journal.modeChanged(observeOnly: true) }
        let found = await cloudCopy.startUp(observeOnly: engine.policy.observeOnly, for: self)
        if let found, found.actual == .running && !wantsRunning {
            engine.adoptRunningContainer(now: now())
            journal.adopted(found)
        }
        commit()
    }

    // MARK: Webhooks

    /// Applies a webhook, persists what changed, and converges where the runtime must act,
    /// waiting at most `deadline` for it.
    public func receive(_ webhook: AlertmanagerWebhook, deadline: Duration) async -> WebhookOutcome {
        followClockStep()
        let decision = engine.apply(webhook, now: now())
        journal.decided(decision, groupKey: webhook.groupKey)
        if decision.disagreesWithState { disagreementObserver?() }
        // The convergence below is this webhook's own: it waits for it, within its deadline.
        let persisted = decision.stateChanged || observations.unsavedSince != nil ? commit() : true
        let convergence = await convergence(after: decision, deadline: deadline)
        return WebhookOutcome(
            decision: decision,
            convergence: convergence,
            persisted: persisted,
            summary: summary(),
            runtimeName: runtimeName,
            trackedAlertLimit: engine.policy.maximumTrackedAlerts
        )
    }

    // MARK: Alertmanager's API

    /// Corrects the state with what Alertmanager's peers list as active, and converges when
    /// that changed anything (a lost resolve starts the hold-down; a lost firing starts the copy).
    @discardableResult
    public func correct(with view: AlertmanagerView) -> ViewCorrection {
        followClockStep()
        let correction = engine.apply(view, now: now())
        journal.corrected(correction)
        if correction.stateChanged { commit(converging: true) }
        return correction
    }

    // MARK: failoverd's own probe of on-prem

    /// The probe's verdict: failing (since its first failed probe) pre-warms the cloud copy;
    /// passing ends that, and the pre-warm hold-down runs. A verdict the state already holds
    /// changes nothing.
    public func probeVerdict(failing: Bool, since: Date) {
        followClockStep()
        let change = engine.applyProbe(failing: failing, since: since, now: now())
        guard change.stateChanged else { return }
        journal.probed(failing: failing, since: since)
        commit(converging: true)
    }

    // MARK: Operator and loop

    /// One reconcile pass: bring actual to desired (restart a vanished or exited copy, stop
    /// after the hold-down).
    public func reconcile() async -> ConvergenceOutcome {
        followClockStep()
        // A state the disk refused (full, read-only) is saved as soon as it takes it again.
        if observations.unsavedSince != nil && persist() { publish() }
        return await requestConvergence().value
    }

    // MARK: The runtime's change feed

    /// The runtime's change feed is connected: from now on its events keep the last observation
    /// current. Resyncs once, since anything may have changed while it was down.
    public func runtimeWatchConnected() async -> ConvergenceOutcome {
        runtimeWatchLive = true
        journal.watchChanged(connected: true, runtimeName: runtimeName)
        return await requestConvergence().value
    }

    /// The change feed ended; until it is back, a changed state is checked with the runtime.
    /// Returns whether it had been connected.
    @discardableResult
    public func runtimeWatchLost() -> Bool {
        guard runtimeWatchLive else { return false }
        runtimeWatchLive = false
        journal.watchChanged(connected: false, runtimeName: runtimeName)
        return true
    }

    /// The runtime reports that the cloud copy changed (it died, was started or removed):
    /// converge now instead of at the next reconcile pass. Not awaited, so a burst of events
    /// shares one follow-up convergence.
    public func runtimeChanged() {
        metrics.runtimeEvent()
        _ = requestConvergence()
    }

    /// Pauses or resumes automation; persisted, so a restart keeps the operator's choice.
    public func setPaused(_ paused: Bool) -> Bool {
        followClockStep()
        engine.setPaused(paused)
        journal.pauseChanged(paused)
        // What was held back while paused is due now, not at the next reconcile pass.
        return commit(converging: !paused)
    }

    /// The current status.
    public func report() -> StatusReport {
        followClockStep()
        return currentReport()
    }

    private func currentReport() -> StatusReport {
        StatusReport(engine: engine, observations: observations, crashLoop: crashLoopStatus, runtimeName: runtimeName, now: now())
    }

    /// The wall-clock time for a decision.
    func now() -> Date { clock.now() }

    /// When the wall clock has stepped since the last reading, moves the engine's own times with
    /// it (and saves them), so a running hold-down or stop-budget window keeps the time it had
    /// left: they are measured on the monotonic clock in effect. Every entry point that decides
    /// or reports calls it first.
    func followClockStep() {
        guard let step = clockSteps.step(wall: clock.now(), monotonic: clock.monotonicNow()) else { return }
        engine.followClockStep(by: step)
        journal.clockStepped(by: step)
        _ = persist()
    }

    /// The one path for a changed state: saved, published, the timer set for the hold-down's
    /// end and, unless the caller waits for its own, a convergence requested. Returns whether
    /// the state reached disk.
    @discardableResult
    private func commit(converging: Bool = false) -> Bool {
        let persisted = persist()
        publish()
        wake(at: engine.state.holdDownUntil)
        if converging { _ = requestConvergence() }
        return persisted
    }

    private func summary() -> String {
        StatusReport.summary(engine: engine, observations: observations, crashLoop: crashLoopStatus, runtimeName: runtimeName, now: now())
    }

    private var crashLoopStatus: CrashLoopStatus? { cloudCopy.crashLoop.status(at: clock.monotonicNow(), wall: now()) }

    // MARK: Liveness

    /// Answering at all proves the actor is not blocked; the answer says whether the convergence
    /// in flight, if any, is older than `limit`. The systemd watchdog pings only on `.alive`.
    public func liveness(limit: Duration) -> Liveness {
        runner.running(longerThan: limit).map(Liveness.stalled(for:)) ?? .alive
    }

    /// Saves the state; on failure logs and reports false (the caller answers 503 so the sender retries).
    func persist() -> Bool {
        do {
            try store.save(engine.state)
            if observations.unsavedSince != nil { journal.savedAgain(path: store.path) }
            cloudCopy.observations.unsavedSince = nil
            metrics.stateSaved()
            return true
        } catch {
            let firstFailure = observations.unsavedSince == nil
            if firstFailure { cloudCopy.observations.unsavedSince = now() }
            cloudCopy.observations.lastError = .init(at: RFC3339.format(now()), what: "state not saved: \(error)")
            journal.notSaved(error, path: store.path, firstFailure: firstFailure)
            return false
        }
    }

    /// Updates the metrics and tells observers when the one-line status changed.
    func publish() {
        publisher.publish(
            currentReport(),
            observations: observations,
            quickExits: cloudCopy.crashLoop.quickExits,
            lastFailover: engine.state.lastFailover,
            to: metrics
        )
    }
}
