import FailoverCore
import Prometheus

/// Every metric failoverd exports, named in one place, in an injected registry.
public struct DaemonMetrics: Sendable {
    /// The registry `/metrics` serves.
    public let registry: PrometheusCollectorRegistry

    /// Buckets for Docker operations: `start` with its readiness wait takes seconds, inspects take milliseconds.
    static let dockerBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20]

    /// Creates the metrics in `registry`.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// One webhook reply, by HTTP status code.
    func webhookRequest(code: Int) {
        registry.makeCounter(
            descriptor: .init(metricName: "failoverd_webhook_requests", unitName: "total", helpText: "Webhook requests by reply code."),
            labels: [("code", String(code))]
        ).increment()
    }

    /// One alert notice, by how the engine took it.
    func notice(_ outcome: NoticeVerdict.Outcome) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "failoverd_alert_notices",
                unitName: "total",
                helpText: "Alert notices by outcome (applied, duplicate, stale, not_a_trigger)."
            ),
            labels: [("outcome", outcome.rawValue)]
        ).increment()
    }

    /// One container action, by kind and result.
    func action(_ action: RuntimeAction, succeeded: Bool) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "failoverd_actions",
                unitName: "total",
                helpText: "Container actions by kind (start, stop) and result (success, failure)."
            ),
            labels: [("action", action.rawValue), ("result", succeeded ? "success" : "failure")]
        ).increment()
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
            labels: [("operation", operation.rawValue)],
            buckets: Self.dockerBuckets
        ).record(seconds)
    }

    /// Gauges describing the current state.
    func state(desiredRunning: Bool, actualRunning: Bool?, firing: Int, holdDownRemaining: Double, paused: Bool, engineUp: Bool) {
        func gauge(_ name: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: .init(metricName: name, unitName: "", helpText: help))
        }
        gauge("failoverd_desired_running", "1 while the cloud copy should run.").set(Double(desiredRunning ? 1 : 0))
        if let actualRunning {
            gauge("failoverd_actual_running", "1 while Docker reports the cloud copy running.").set(Double(actualRunning ? 1 : 0))
        }
        gauge("failoverd_firing_trigger_alerts", "Trigger alerts currently firing.").set(Double(firing))
        registry.makeGauge(
            descriptor: .init(
                metricName: "failoverd_hold_down_remaining",
                unitName: "seconds",
                helpText: "Seconds until the cloud copy may be stopped; 0 when no hold-down runs."
            )
        )
        .set(holdDownRemaining)
        gauge("failoverd_paused", "1 while automation is paused by an operator.").set(Double(paused ? 1 : 0))
        gauge("failoverd_docker_up", "1 when the last Docker call succeeded.").set(Double(engineUp ? 1 : 0))
    }
}
