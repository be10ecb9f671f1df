import FailoverCore
import FoundationEssentials
import ProcessTelemetry
import Prometheus

/// Every metric failoverd exports, named in one place, in an injected registry.
///
/// The counters every webhook touches are looked up once, here, so a webhook costs no
/// registry lock or label hashing beyond an atomic add.
public struct DaemonMetrics: Sendable {
    /// The registry `/metrics` serves.
    public let registry: PrometheusCollectorRegistry
    /// `service="<name>"` on the series of one service when failoverd manages several; empty
    /// otherwise, so a single-service deployment's series stay as they were.
    private let serviceLabels: [(String, String)]
    private let noticeCounters: [NoticeVerdict.Outcome: Counter]
    private let replyCounters: [Int: Counter]
    private let process: ProcessMetrics

    /// Buckets for Docker operations: `start` with its readiness wait takes seconds, inspects take milliseconds.
    static let dockerBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20]
    /// The reply codes a webhook can get from failoverd itself.
    static let webhookReplyCodes = [200, 400, 401, 413, 415, 422, 503]

    /// Creates the process's own metrics in `registry`; `service(_:)` makes each service's.
    public init(registry: PrometheusCollectorRegistry) {
        BuildInfo.register(prefix: "failoverd", in: registry)
        self.init(
            registry: registry,
            serviceLabels: [],
            noticeCounters: [:],
            replyCounters: Dictionary(uniqueKeysWithValues: Self.webhookReplyCodes.map { ($0, Self.replyCounter(registry, $0)) }),
            process: ProcessMetrics(registry: registry)
        )
    }

    private init(
        registry: PrometheusCollectorRegistry,
        serviceLabels: [(String, String)],
        noticeCounters: [NoticeVerdict.Outcome: Counter],
        replyCounters: [Int: Counter],
        process: ProcessMetrics
    ) {
        self.registry = registry
        self.serviceLabels = serviceLabels
        self.noticeCounters = noticeCounters
        self.replyCounters = replyCounters
        self.process = process
    }

    /// The metrics of one service: with a name (one of several services), its series carry
    /// `service="<name>"`; without (the single service), they are unlabelled, as they always
    /// were. The process's own (webhook replies, reloads, build, process) are never labelled.
    func service(_ name: String?) -> DaemonMetrics {
        let labels = name.map { [("service", $0)] } ?? []
        // At 0 from the start, so the first start shows in increase() and rate(): a counter
        // that appears at 1 has no earlier sample to count from.
        for action in RuntimeAction.allCases {
            for succeeded in [true, false] { _ = Self.actionCounter(registry, action, succeeded: succeeded, labels) }
        }
        return DaemonMetrics(
            registry: registry,
            serviceLabels: labels,
            noticeCounters: Dictionary(
                uniqueKeysWithValues: NoticeVerdict.Outcome.allCases.map { ($0, Self.noticeCounter(registry, $0, labels)) }
            ),
            replyCounters: replyCounters,
            process: process
        )
    }

    /// The Prometheus text exposition, with the process metrics read afresh.
    func exposition() -> String {
        process.update()
        return registry.emitToString()
    }

    private static func replyCounter(_ registry: PrometheusCollectorRegistry, _ code: Int) -> Counter {
        registry.makeCounter(
            descriptor: .init(metricName: "failoverd_webhook_requests", unitName: "total", helpText: "Webhook requests by reply code."),
            labels: [("code", String(code))]
        )
    }

    private static func noticeCounter(
        _ registry: PrometheusCollectorRegistry,
        _ outcome: NoticeVerdict.Outcome,
        _ serviceLabels: [(String, String)]
    ) -> Counter {
        registry.makeCounter(
            descriptor: .init(
                metricName: "failoverd_alert_notices",
                unitName: "total",
                helpText: "Alert notices by outcome (applied, duplicate, stale, not_a_trigger)."
            ),
            labels: serviceLabels + [("outcome", outcome.rawValue)]
        )
    }

    /// One webhook reply, by HTTP status code.
    func webhookRequest(code: Int) {
        (replyCounters[code] ?? Self.replyCounter(registry, code)).increment()
    }

    /// `count` alert notices taken the same way.
    func notices(_ outcome: NoticeVerdict.Outcome, count: Int) {
        noticeCounters[outcome]?.increment(by: Int64(count))
    }

    /// One save of the state file (each is two fsyncs: the file and its directory).
    func stateSaved() {
        registry.makeCounter(
            descriptor: .init(
                metricName: "failoverd_state_saves",
                unitName: "total",
                helpText: "Saves of state.json (two fsyncs each); only webhooks that change the state save."
            ),
            labels: serviceLabels
        ).increment()
    }

    /// One Docker event about the cloud container that made failoverd converge.
    func runtimeEvent() {
        registry.makeCounter(
            descriptor: .init(
                metricName: "failoverd_docker_events",
                unitName: "total",
                helpText: "Docker events about the cloud container (die, start, destroy, ...) that made failoverd converge."
            ),
            labels: serviceLabels
        ).increment()
    }

    /// Which of a swarm's managers answered failoverd last: 1 for it, 0 for the one before it.
    func dockerManagerAnswering(_ socket: String, previous: String?) {
        func gauge(_ socket: String) -> Gauge {
            registry.makeGauge(
                descriptor: .init(
                    metricName: "failoverd_docker_manager_answering",
                    unitName: "",
                    helpText: "1 for the swarm manager (Docker socket) that answered failoverd's last call, 0 for those that answered before."
                ),
                labels: serviceLabels + [("socket", socket)]
            )
        }
        if let previous { gauge(previous).set(0.0) }
        gauge(socket).set(1.0)
    }

    /// What the cloud copy is made from (its image reference and the digest it resolved to): 1
    /// for the current one, 0 for the one before it.
    func cloudImage(_ image: RuntimeImage, previous: RuntimeImage?) {
        func gauge(_ reference: String, _ digest: String) -> Gauge {
            registry.makeGauge(
                descriptor: .init(
                    metricName: "failoverd_cloud_image_info",
                    unitName: "",
                    helpText:
                        "1 for the image the cloud copy is made from (reference as configured, digest as pulled or the image id), 0 for earlier ones."
                ),
                labels: serviceLabels + [("image", reference), ("digest", digest)]
            )
        }
        if let previous { gauge(previous.reference, previous.digest).set(0.0) }
        gauge(image.reference, image.digest).set(1.0)
    }

    /// One attempt to bring the cloud copy's image onto the host, by result.
    func imageFetch(succeeded: Bool) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "failoverd_image_pulls",
                unitName: "total",
                helpText: "Attempts to bring the cloud copy's image onto the host (container.pull) by result: success or failure."
            ),
            labels: serviceLabels + [("result", succeeded ? "success" : "failure")]
        ).increment()
    }

    /// Whether Docker's event stream is connected.
    func runtimeWatch(connected: Bool) {
        registry.makeGauge(
            descriptor: .init(
                metricName: "failoverd_docker_events_connected",
                unitName: "",
                helpText: "1 while failoverd follows Docker's event stream; 0 means only the reconcile loop notices a dead cloud copy."
            ),
            labels: serviceLabels
        ).set(Double(connected ? 1 : 0))
    }

    /// One question to one Alertmanager peer, by peer and result.
    func alertmanagerAnswer(peer: String, answered: Bool) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "failoverd_alertmanager_requests",
                unitName: "total",
                helpText: "Questions to Alertmanager peers' API by peer and result (answered, failed)."
            ),
            labels: [("peer", peer), ("result", answered ? "answered" : "failed")]
        ).increment()
    }

    /// One probe of on-prem, by result.
    func probe(passed: Bool) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "failoverd_probe_requests",
                unitName: "total",
                helpText: "failoverd's own probes of on-prem (probe.url) by result: passed (2xx within the timeout) or failed."
            ),
            labels: serviceLabels + [("result", passed ? "passed" : "failed")]
        ).increment()
    }

    /// Whether the probe's verdict is failing: the cloud copy is pre-warmed.
    func probeFailing(_ failing: Bool) {
        registry.makeGauge(
            descriptor: .init(
                metricName: "failoverd_probe_failing",
                unitName: "",
                helpText: "1 while on-prem fails failoverd's own probe (probe.failures in a row) and the cloud copy is pre-warmed."
            ),
            labels: serviceLabels
        ).set(Double(failing ? 1 : 0))
    }

    /// Trigger alerts whose state Alertmanager's API corrected, by kind.
    func alertmanagerCorrections(foundFiring: Int, resolved: Int) {
        for (kind, count) in [("found_firing", foundFiring), ("resolved", resolved)] {
            registry.makeCounter(
                descriptor: .init(
                    metricName: "failoverd_alertmanager_corrections",
                    unitName: "total",
                    helpText: "Trigger alerts Alertmanager's API showed firing (lost firing notice) or no longer active (lost resolve)."
                ),
                labels: serviceLabels + [("kind", kind)]
            ).increment(by: Int64(count))
        }
    }

    /// The cloud copy exited while wanted running: right after a start (quick) or after it had
    /// stayed up (settled).
    func cloudCopyExit(quick: Bool) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "failoverd_cloud_copy_exits",
                unitName: "total",
                helpText: "Exits of the cloud copy while it was wanted running, by when: quick (within 10 s of its start) or settled."
            ),
            labels: serviceLabels + [("when", quick ? "quick" : "settled")]
        ).increment()
    }

    /// Quick exits in a row; each one doubles the wait before the next start.
    func crashLoop(quickExits: Int) {
        registry.makeGauge(
            descriptor: .init(
                metricName: "failoverd_cloud_copy_quick_exits",
                unitName: "",
                helpText: "Starts in a row after which the cloud copy exited within 10 s; 0 once it stays up or is stopped."
            ),
            labels: serviceLabels
        ).set(Double(quickExits))
    }

    /// One container action, by kind and result.
    func action(_ action: RuntimeAction, succeeded: Bool) {
        Self.actionCounter(registry, action, succeeded: succeeded, serviceLabels).increment()
    }

    private static func actionCounter(
        _ registry: PrometheusCollectorRegistry,
        _ action: RuntimeAction,
        succeeded: Bool,
        _ serviceLabels: [(String, String)]
    ) -> Counter {
        registry.makeCounter(
            descriptor: .init(
                metricName: "failoverd_actions",
                unitName: "total",
                helpText: "Container actions by kind (start, stop) and result (success, failure)."
            ),
            labels: serviceLabels + [("action", action.rawValue), ("result", succeeded ? "success" : "failure")]
        )
    }

    /// Latency of one runtime operation. The name keeps "docker" so dashboards built on it
    /// keep working; the Docker runtime is the only one today.
    func runtimeOperation(_ operation: RuntimeOperation, seconds: Double) {
        registry.makeValueHistogram(
            descriptor: .init(
                metricName: "failoverd_docker_operation_duration",
                unitName: "seconds",
                helpText: "Docker operation latency (observe, prepare, start incl. readiness wait, stop)."
            ),
            labels: serviceLabels + [("operation", operation.rawValue)],
            buckets: Self.dockerBuckets
        ).record(seconds)
    }

    /// The outcome of the last configuration load: at startup, and at each reload (SIGHUP).
    func configurationLoaded(successful: Bool, restartRequired: Bool, at secondsSinceEpoch: Double) {
        func gauge(_ name: String, _ unit: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: .init(metricName: name, unitName: unit, helpText: help))
        }
        gauge(
            "failoverd_config_last_reload_successful",
            "",
            "1 when the last reload applied; 0 when the file failed to load and the previous configuration stays."
        )
        .set(Double(successful ? 1 : 0))
        if successful {
            gauge("failoverd_config_last_reload_success_timestamp", "seconds", "When the configuration was last loaded or reloaded.")
                .set(secondsSinceEpoch)
            gauge("failoverd_config_restart_required", "", "1 when a reload found changed keys that only a restart applies.")
                .set(Double(restartRequired ? 1 : 0))
        }
    }

    /// Counts one reload (SIGHUP) by outcome, so `failoverd reload` can tell when the one it
    /// asked for has happened and how it went.
    func reloaded(applied: Bool) {
        registry.makeCounter(
            descriptor: .init(metricName: "failoverd_config_reloads", unitName: "total", helpText: "Configuration reloads (SIGHUP) by outcome."),
            labels: [("outcome", applied ? "applied" : "rejected")]
        ).increment()
    }

    /// When each phase of the last failover happened, so a dashboard can show the phases and
    /// their durations; 0 for a phase not reached yet.
    private func lastFailover(_ episode: FailoverEpisode?) {
        let phases: [(String, Date?)] = [
            ("triggered", episode?.triggeredAt), ("confirmed", episode?.confirmedAt), ("running", episode?.runningAt),
            ("recovered", episode?.recoveredAt), ("stopped", episode?.stoppedAt),
        ]
        for (phase, date) in phases {
            registry.makeGauge(
                descriptor: .init(
                    metricName: "failoverd_last_failover_phase_timestamp",
                    unitName: "seconds",
                    helpText: "When the last failover reached each phase (triggered, confirmed, running, recovered, stopped); 0 until it does."
                ),
                labels: serviceLabels + [("phase", phase)]
            ).set(date?.timeIntervalSince1970 ?? 0)
        }
    }

    /// The state gauges, the crash-loop gauge and the last failover's phases for a status report
    /// and what the runtime last showed.
    func publish(_ report: StatusReport, observations: RuntimeObservations, quickExits: Int, lastFailover: FailoverEpisode?) {
        crashLoop(quickExits: quickExits)
        state(
            desiredRunning: report.desired == .running,
            actualRunning: observations.snapshot.map { $0.actual == .running },
            standbyReady: observations.snapshot.map { $0.actual != .missing && $0.actual != .outdated },
            firing: report.firingTriggerAlertsTotal,
            holdDownRemaining: report.holdDownRemainingSeconds ?? 0,
            paused: report.paused,
            runtimeUp: observations.runtimeUp,
            stateSaveFailing: observations.unsavedSince != nil
        )
        self.lastFailover(lastFailover)
        withheld(observeOnly: report.mode == FailoverMode.observe.rawValue, observations.withheld)
    }

    /// Observe-only mode: whether it is on, which action it holds back, and since when, so a
    /// first rollout can be graphed against the real outages.
    private func withheld(observeOnly: Bool, _ withheld: (action: WithheldAction, since: Date)?) {
        registry.makeGauge(
            descriptor: .init(
                metricName: "failoverd_observe_only",
                unitName: "",
                helpText: "1 while mode is observe: no action is taken on the cloud copy."
            ),
            labels: serviceLabels
        ).set(Double(observeOnly ? 1 : 0))
        for action in [WithheldAction.start, .stop, .prepare] {
            registry.makeGauge(
                descriptor: .init(
                    metricName: "failoverd_would_act",
                    unitName: "",
                    helpText: "1 while observe mode holds back this action on the cloud copy (start, stop, prepare): what failoverd would do."
                ),
                labels: serviceLabels + [("action", action.rawValue)]
            ).set(Double(withheld?.action == action ? 1 : 0))
        }
        registry.makeGauge(
            descriptor: .init(
                metricName: "failoverd_would_act_since_timestamp",
                unitName: "seconds",
                helpText: "When the action observe mode holds back became due (failoverd would have taken it then); 0 when none is."
            ),
            labels: serviceLabels
        ).set(withheld?.since.timeIntervalSince1970 ?? 0)
    }

    /// Gauges describing the current state.
    private func state(
        desiredRunning: Bool,
        actualRunning: Bool?,
        standbyReady: Bool?,
        firing: Int,
        holdDownRemaining: Double,
        paused: Bool,
        runtimeUp: Bool,
        stateSaveFailing: Bool
    ) {
        func gauge(_ name: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: .init(metricName: name, unitName: "", helpText: help), labels: serviceLabels)
        }
        gauge("failoverd_desired_running", "1 while the cloud copy should run.").set(Double(desiredRunning ? 1 : 0))
        if let actualRunning {
            gauge("failoverd_actual_running", "1 while Docker reports the cloud copy running.").set(Double(actualRunning ? 1 : 0))
        }
        if let standbyReady {
            gauge(
                "failoverd_standby_ready",
                "1 while the cloud copy exists, made from the current spec and image (ready to start, or running); 0 while a failover would first have to make it."
            ).set(Double(standbyReady ? 1 : 0))
        }
        gauge("failoverd_firing_trigger_alerts", "Trigger alerts currently firing.").set(Double(firing))
        registry.makeGauge(
            descriptor: .init(
                metricName: "failoverd_hold_down_remaining",
                unitName: "seconds",
                helpText: "Seconds until the cloud copy may be stopped; 0 when no hold-down runs."
            ),
            labels: serviceLabels
        )
        .set(holdDownRemaining)
        gauge("failoverd_paused", "1 while automation is paused by an operator.").set(Double(paused ? 1 : 0))
        gauge("failoverd_docker_up", "1 when the last Docker call succeeded.").set(Double(runtimeUp ? 1 : 0))
        gauge("failoverd_state_save_failing", "1 while the state on disk is behind memory (the last save failed: disk full, read-only).")
            .set(Double(stateSaveFailing ? 1 : 0))
    }
}
