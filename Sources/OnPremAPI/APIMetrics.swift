import ProcessTelemetry
import Prometheus

/// Every metric `onprem-api` exports, named in one place.
///
/// Metrics live in an injected registry rather than the global swift-metrics factory, so each
/// test builds an app with its own registry and reads exactly what that app recorded.
public struct APIMetrics: Sendable {
    /// Latency buckets in seconds; 0.2 s is the latency SLO threshold the SLO rules read.
    public static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10]

    /// The registry `/metrics` serves.
    public let registry: PrometheusCollectorRegistry
    private let site: String

    private let process: ProcessMetrics

    /// Registers the build-info and process metrics and prepares per-request series.
    public init(registry: PrometheusCollectorRegistry, site: String, version: String) {
        self.registry = registry
        self.site = site
        BuildInfo.register(prefix: "onprem_api", labels: [("site", site)], version: version, in: registry)
        process = ProcessMetrics(registry: registry)
    }

    /// Records one finished request under its route template (never the raw path).
    public func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        let labels = [("site", site), ("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(
            descriptor: .init(metricName: "http_requests", unitName: "total", helpText: "HTTP requests by method, route template and status."),
            labels: labels
        ).increment()
        registry.makeValueHistogram(
            descriptor: .init(metricName: "http_request_duration", unitName: "seconds", helpText: "HTTP request latency by route template."),
            labels: [("site", site), ("method", method), ("route", route)],
            buckets: Self.latencyBuckets
        ).record(seconds)
    }

    /// The Prometheus text exposition of everything recorded.
    public func exposition() -> String {
        process.update()
        return registry.emitToString()
    }
}
