import FailoverCore
import FoundationEssentials
import Logging
import ServiceSupport

/// Owns the failover state and is the only place that acts on the cloud copy.
///
/// Decisions are applied synchronously inside the actor. A webhook that changes nothing costs
/// no runtime call and no disk write: the last observation, kept current by the runtime's own
/// change feed, answers it. Runtime work is single-flight: one convergence runs at a time and
/// every request made meanwhile shares one follow-up, so a burst of webhooks during a start
/// makes one `start` and at most one more `observe`.
public actor FailoverController {
    private var engine: FailoverEngine
    private let runtime: any CloudRuntime
    private let store: StateStore
    private let journal: DecisionJournal
    private let metrics: DaemonMetrics
    private let clock: any DaemonClock
    private var observations = RuntimeObservations()
    private typealias Schedule = ConvergenceSchedule<Task<ConvergenceOutcome, Never>>
    /// Which convergence runs, which follows it, and when the timer must wake.
    private var schedule = Schedule()
    /// Converges at the schedule's earliest wake-up (a hold-down's end, a crash-loop wait).
    private var timer: Task<Void, Never>?
    /// Whether the runtime's change feed is connected: only then is the last observation
    /// known to be current, and a changed state can be answered without asking the runtime.
    private var runtimeWatchLive = false
    /// Spaces the restarts of a copy that keeps exiting right after it was started.
    private var crashLoop: CrashLoopGuard
    /// Keeps the engine's times on the monotonic clock's side of a wall-clock step.
    private var clockSteps: ClockStepDetector
    private var statusObservers: [@Sendable (String) -> Void] = []
    /// Called when a notice disagrees with the state (see `WebhookDecision.disagreesWithState`).
    private var disagreementObserver: (@Sendable () -> Void)?
    private var lastPublished = ""
    /// The swarm manager last published as answering, so the metric can move off it.
    private var publishedAnsweredBy: String?
    /// The image last published, so the metric can move off it.
    private var publishedImage: RuntimeImage?
    /// Consecutive failed convergences; the reconcile loop backs off on it.
    public private(set) var consecutiveFailures = 0

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
        self.crashLoop = CrashLoopGuard(maximumDelay: maximumRestartDelay)
        self.clockSteps = ClockStepDetector(wall: clock.now(), monotonic: clock.monotonicNow())
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

    /// Decides by `policy` from now on (a configuration reload). The failover state is kept: a
    /// hold-down already counting keeps its deadline, the new one applies from the next resolve.
    /// One convergence follows, so a stop the old stop budget deferred happens if the new allows it.
    public func adopt(_ policy: FailoverPolicy) {
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
        journal.loaded(loaded, from: store.path, engineName: runtime.engineName)
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
        do {
            let prepared = try await timed(.prepare) { () async throws(RuntimeFailure) in try await self.runtime.prepare() }
            recordSuccess(prepared)
            if prepared.actual == .running && engine.desired(at: now()) == .stopped {
                engine.adoptRunningContainer(now: now())
                journal.adopted(prepared)
            }
        } catch {
            recordFailure(error, during: .prepare)
        }
        _ = persist()
        publish()
        wake(at: engine.state.holdDownUntil)
    }

    // MARK: Webhooks

    /// The outcome of one webhook.
    public struct WebhookOutcome: Sendable {
        /// The engine's decision.
        public var decision: WebhookDecision
        /// How the runtime stands: from the convergence the webhook waited for, or from the last
        /// observation when no runtime call was needed; nil when a convergence had not finished
        /// before the reply deadline, or one is due that this webhook has no stake in.
        public var convergence: ConvergenceOutcome?
        /// Whether the new state reached disk.
        public var persisted: Bool
        /// The one-line status after the webhook, for the reply.
        public var summary: String
        /// The runtime's name, for replies about its failures.
        public var engineName: String
        /// The tracked-alert cap, for a reply that refused notices over it.
        public var trackedAlertLimit: Int
    }

    /// Applies a webhook, persists what changed, and converges where the runtime must act,
    /// waiting at most `deadline` for it.
    public func receive(_ webhook: AlertmanagerWebhook, deadline: Duration) async -> WebhookOutcome {
        let decision = engine.apply(webhook, now: now())
        journal.decided(decision, groupKey: webhook.groupKey)
        if decision.disagreesWithState { disagreementObserver?() }
        var persisted = true
        if decision.stateChanged || observations.unsavedSince != nil {
            persisted = persist()
            publish()
            wake(at: engine.state.holdDownUntil)
        }
        let convergence = await convergence(after: decision, deadline: deadline)
        return WebhookOutcome(
            decision: decision,
            convergence: convergence,
            persisted: persisted,
            summary: summary(),
            engineName: runtime.engineName,
            trackedAlertLimit: engine.policy.maximumTrackedAlerts
        )
    }

    // MARK: Alertmanager's API

    /// Corrects the state with what Alertmanager's peers list as active, and converges when
    /// that changed anything (a lost resolve starts the hold-down; a lost firing starts the copy).
    @discardableResult
    public func correct(with view: AlertmanagerView) -> ViewCorrection {
        let correction = engine.apply(view, now: now())
        journal.corrected(correction)
        if correction.stateChanged {
            _ = persist()
            publish()
            wake(at: engine.state.holdDownUntil)
            _ = requestConvergence()
        }
        return correction
    }

    // MARK: failoverd's own probe of on-prem

    /// The probe's verdict: failing (since its first failed probe) pre-warms the cloud copy;
    /// passing ends that, and the pre-warm hold-down runs. A verdict the state already holds
    /// changes nothing.
    public func probeVerdict(failing: Bool, since: Date) {
        let change = engine.applyProbe(failing: failing, since: since, now: now())
        guard change.stateChanged else { return }
        journal.probed(failing: failing, since: since)
        _ = persist()
        publish()
        wake(at: engine.state.holdDownUntil)
        _ = requestConvergence()
    }

    // MARK: Operator and loop

    /// One reconcile pass: bring actual to desired (restart a vanished or exited copy, stop
    /// after the hold-down).
    public func reconcile() async -> ConvergenceOutcome {
        // A state the disk refused (full, read-only) is saved as soon as it takes it again.
        if observations.unsavedSince != nil && persist() { publish() }
        return await requestConvergence().value
    }

    // MARK: The runtime's change feed

    /// The runtime's change feed is connected: from now on its events keep the last observation
    /// current. Resyncs once, since anything may have changed while it was down.
    public func runtimeWatchConnected() async -> ConvergenceOutcome {
        runtimeWatchLive = true
        journal.watchChanged(connected: true, engineName: runtime.engineName)
        return await requestConvergence().value
    }

    /// The change feed ended; until it is back, a changed state is checked with the runtime.
    /// Returns whether it had been connected.
    @discardableResult
    public func runtimeWatchLost() -> Bool {
        guard runtimeWatchLive else { return false }
        runtimeWatchLive = false
        journal.watchChanged(connected: false, engineName: runtime.engineName)
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
        engine.setPaused(paused)
        journal.pauseChanged(paused)
        let persisted = persist()
        publish()
        // What was held back while paused is due now, not at the next reconcile pass.
        if !paused { _ = requestConvergence() }
        return persisted
    }

    /// The current status.
    public func report() -> StatusReport {
        StatusReport(engine: engine, observations: observations, crashLoop: crashLoopStatus, engineName: runtime.engineName, now: now())
    }

    /// The wall-clock time for a decision. When the wall clock has stepped since the last
    /// reading, the engine's own times move with it first, so a running hold-down or stop-budget
    /// window keeps the time it had left: they are measured on the monotonic clock in effect.
    private func now() -> Date {
        let wall = clock.now()
        guard let step = clockSteps.step(wall: wall, monotonic: clock.monotonicNow()) else { return wall }
        engine.followClockStep(by: step)
        journal.clockStepped(by: step)
        _ = persist()
        return wall
    }

    private func summary() -> String {
        StatusReport.summary(engine: engine, observations: observations, crashLoop: crashLoopStatus, engineName: runtime.engineName, now: now())
    }

    /// The crash-loop state as status shows it: nil unless the copy keeps exiting.
    private var crashLoopStatus: CrashLoopStatus? {
        guard crashLoop.quickExits > 0 else { return nil }
        let wait = crashLoop.remainingWait(at: clock.monotonicNow()) ?? .zero
        return CrashLoopStatus(quickExits: crashLoop.quickExits, nextStartAt: now().addingTimeInterval(wait.inSeconds))
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
        guard let started = schedule.runningSince else { return .alive }
        let elapsed = clock.monotonicNow() - started
        return elapsed > limit ? .stalled(for: elapsed) : .alive
    }

    // MARK: Convergence

    /// Where a webhook's reply learns how the runtime stands, calling it only when it must.
    private func convergence(after decision: WebhookDecision, deadline: Duration) async -> ConvergenceOutcome? {
        let busy = schedule.newestRun
        if decision.stateChanged {
            // A convergence under way may be acting on the old state (a stop while a new trigger
            // fires), and without the change feed the last observation may be out of date.
            if busy == nil && runtimeWatchLive, let known = outcomeWithoutRuntimeCall() { return known }
            return await requestConvergence().value(within: deadline)
        }
        if let busy {
            return decision.concernsTheCloudCopy ? await busy.value(within: deadline) : nil
        }
        if let known = outcomeWithoutRuntimeCall() { return known }
        // A repeated trigger notice with an action still due: Alertmanager's retry after a 503.
        return decision.concernsTheCloudCopy ? await requestConvergence().value(within: deadline) : nil
    }

    /// The outcome a convergence would have, when the last observation says no action is due.
    /// Not while the engine is unreachable: what it said last may no longer hold (a restarted
    /// dockerd has stopped its containers).
    private func outcomeWithoutRuntimeCall() -> ConvergenceOutcome? {
        guard observations.engineUp, let actual = observations.snapshot?.actual else { return nil }
        switch engine.plan(actual: actual, now: now()) {
        // A standby to make again is the reconcile loop's business: the copy is stopped as wanted.
        case .nothing, .prepare: return .inSync
        case .paused: return .paused
        case .waitForStopBudget(let until): return .deferred(until: until)
        case .start, .stop: return nil
        }
    }

    /// Converges at `date`, so a stop is on time however long the safety-net reconcile interval
    /// is; replaces the previous such wake-up, and nil withdraws it.
    private func wake(at date: Date?) {
        wake(.decisionDue, after: date.map { .seconds(max(0, $0.timeIntervalSince(now()))) })
    }

    /// Converges after `delay` for `reason`, replacing that reason's earlier wake-up; the one
    /// timer is armed at the earliest wake-up still asked for.
    private func wake(_ reason: Schedule.WakeReason, after delay: Duration?) {
        arm(at: schedule.wake(reason, at: delay.map { clock.monotonicNow() + $0 }))
    }

    private func arm(at deadline: ContinuousClock.Instant?) {
        timer?.cancel()
        timer = nil
        guard let deadline else { return }
        let delay = deadline - clock.monotonicNow()
        timer = Task {
            // A little later, so the time it waits for has passed.
            do { try await Task.sleep(for: delay + .milliseconds(10)) } catch { return }
            self.timerFired(armedFor: deadline)
        }
    }

    private func timerFired(armedFor deadline: ContinuousClock.Instant) {
        arm(at: schedule.timerFired(servingUpTo: deadline))
        _ = requestConvergence()
    }

    /// Single flight: starts a convergence when none runs; otherwise returns the one follow-up
    /// that starts when the current one ends, creating it if needed.
    private func requestConvergence() -> Task<ConvergenceOutcome, Never> {
        switch schedule.request() {
        case .start:
            let run = Task { await self.runConvergence() }
            schedule.started(run, at: clock.monotonicNow())
            return run
        case .queueFollowUp(let current):
            let followUp = Task {
                _ = await current.value
                self.schedule.followUpBegan(at: self.clock.monotonicNow())
                return await self.runConvergence()
            }
            schedule.queued(followUp)
            return followUp
        case .join(let followUp):
            return followUp
        }
    }

    private func runConvergence() async -> ConvergenceOutcome {
        let outcome = await convergeOnce()
        schedule.finished()
        return outcome
    }

    /// Observes, asks the engine for the one action that moves actual toward desired, runs it.
    private func convergeOnce() async -> ConvergenceOutcome {
        do {
            let observed = try await timed(.observe) { () async throws(RuntimeFailure) in try await self.runtime.observe() }
            judgeLastStart(observed.actual)
            recordSuccess(observed)
            let plan = engine.plan(actual: observed.actual, now: now())
            if case .waitForStopBudget = plan {} else { observations.stopDeferredUntil = nil }
            switch plan {
            case .nothing:
                consecutiveFailures = 0
                return .inSync
            case .paused:
                return .paused
            case .waitForStopBudget(let until):
                // Said once per deferral, not at every pass that finds it still deferred.
                if observations.stopDeferredUntil != until {
                    observations.stopDeferredUntil = until
                    journal.stopDeferred(until: until)
                    publish()
                }
                wake(at: until)
                return .deferred(until: until)
            case .prepare:
                return await prepareStandby()
            case .start:
                if let wait = crashLoop.remainingWait(at: clock.monotonicNow()) {
                    wake(.crashLoop, after: wait)
                    return .backingOff(until: now().addingTimeInterval(wait.inSeconds))
                }
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

    /// Makes the standby again (it was missing, or made from an older spec or image). A failure
    /// leaves the copy stopped as wanted, so it is not a failed convergence a webhook's sender
    /// could fix by retrying; the reconcile loop tries again, backing off.
    private func prepareStandby() async -> ConvergenceOutcome {
        do {
            let prepared = try await timed(.prepare) { () async throws(RuntimeFailure) in try await self.runtime.prepare() }
            recordSuccess(prepared)
            journal.prepared(prepared)
            consecutiveFailures = 0
            return .inSync
        } catch {
            consecutiveFailures += 1
            recordFailure(error, during: .prepare)
            return .standbyNotReady(error)
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
            let finishedAt = now()
            switch action {
            case .start:
                engine.recordStart(at: finishedAt)
                crashLoop.started(at: clock.monotonicNow(), wall: finishedAt)
                // Judged again once it should have settled, so a crash loop that ended is seen
                // to end without waiting for an event or the reconcile pass.
                if crashLoop.quickExits > 0 { wake(.crashLoop, after: CrashLoopGuard.settleTime) }
            case .stop:
                engine.recordStop(at: finishedAt)
                crashLoop.stopped()
            }
            // After the engine recorded it, so what is published includes the new phase.
            recordSuccess(result)
            consecutiveFailures = 0
            observations.lastAction = .init(
                at: RFC3339.format(now()),
                what: "\(action.rawValue) \(result.id.map { String($0.prefix(12)) } ?? "")"
            )
            journal.acted(action, result: result, reason: engine.state.reason)
            _ = persist()
        } catch {
            journal.actionFailed(action)
            observations.lastAction = .init(at: RFC3339.format(now()), what: "\(action.rawValue) failed")
            // The engine answered and the copy did not come up: it cannot start, retrying at
            // once would fail the same way.
            if action == .start && !error.engineIsDown {
                noteCrashLoop(crashLoop.startFailed(at: clock.monotonicNow()))
            }
            throw error
        }
    }

    /// Judges the last start by what the runtime now shows: a copy wanted running that is gone
    /// within the settle time exited at once, and its start does not count as one that worked.
    private func judgeLastStart(_ actual: ActualState) {
        let seenAt = clock.monotonicNow()
        let verdict: CrashLoopGuard.Verdict?
        switch actual {
        case .running: verdict = crashLoop.foundRunning(at: seenAt)
        case .stopped, .missing, .outdated:
            guard engine.desired(at: now()) == .running else {
                // Not wanted any more (failed back while it kept exiting): nothing is looping.
                if crashLoop.quickExits > 0 {
                    crashLoop.stopped()
                    publish()
                }
                return
            }
            verdict = crashLoop.foundNotRunning(at: seenAt)
        case .notReady: verdict = nil
        }
        if let verdict { noteCrashLoop(verdict) }
    }

    private func noteCrashLoop(_ verdict: CrashLoopGuard.Verdict) {
        if case .quickExit(_, let startRecordedAt?) = verdict { engine.retractStart(recordedAt: startRecordedAt) }
        journal.crashLoop(verdict, quickExits: crashLoop.quickExits)
        publish()
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
        observations.lastError = .init(at: RFC3339.format(now()), what: failure.description)
        journal.runtimeFailed(failure, during: phase)
        publish()
    }

    /// Saves the state; on failure logs and reports false (the caller answers 503 so the sender retries).
    private func persist() -> Bool {
        do {
            try store.save(engine.state)
            if observations.unsavedSince != nil { journal.savedAgain(path: store.path) }
            observations.unsavedSince = nil
            metrics.stateSaved()
            return true
        } catch {
            let firstFailure = observations.unsavedSince == nil
            if firstFailure { observations.unsavedSince = now() }
            observations.lastError = .init(at: RFC3339.format(now()), what: "state not saved: \(error)")
            journal.notSaved(error, path: store.path, firstFailure: firstFailure)
            return false
        }
    }

    /// Updates the state gauges and tells observers when the one-line status changed.
    private func publish() {
        let current = report()
        metrics.crashLoop(quickExits: crashLoop.quickExits)
        metrics.state(
            desiredRunning: current.desired == .running,
            actualRunning: observations.snapshot.map { $0.actual == .running },
            standbyReady: observations.snapshot.map { $0.actual != .missing && $0.actual != .outdated },
            firing: current.firingTriggerAlertsTotal,
            holdDownRemaining: current.holdDownRemainingSeconds ?? 0,
            paused: current.paused,
            engineUp: observations.engineUp,
            stateSaveFailing: observations.unsavedSince != nil
        )
        metrics.lastFailover(engine.state.lastFailover)
        if let image = observations.snapshot?.image, image != publishedImage {
            metrics.cloudImage(image, previous: publishedImage)
            publishedImage = image
        }
        if let answeredBy = observations.snapshot?.answeredBy, answeredBy != publishedAnsweredBy {
            metrics.dockerManagerAnswering(answeredBy, previous: publishedAnsweredBy)
            publishedAnsweredBy = answeredBy
        }
        guard current.summary != lastPublished else { return }
        lastPublished = current.summary
        for observer in statusObservers { observer(current.summary) }
    }
}
