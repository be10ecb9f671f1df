import Prometheus

/// What every executable of the kit says about its build: `--version` and the `*_build_info` metric.
public enum BuildInfo {
    /// The kit's release; every executable ships with the same one. Bumped with each tagged release.
    public static let version = "0.1.0"

    /// The Swift compiler that built this binary, so an operator can tell two builds of one version apart.
    public static let swiftVersion: String = {
        #if compiler(>=6.4)
        "6.4+"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #else
        "6.1"
        #endif
    }()

    /// What `--version` prints for `executable`.
    public static func versionLine(_ executable: String) -> String {
        "\(executable) \(version) (Swift \(swiftVersion))"
    }

    /// Registers `<prefix>_build_info{...,version,swift_version} 1`, the conventional way to join a
    /// build's identity onto other series in a query; `labels` come first (a site, say).
    public static func register(
        prefix: String,
        labels: [(String, String)] = [],
        version: String = version,
        in registry: PrometheusCollectorRegistry
    ) {
        registry.makeGauge(
            descriptor: .init(metricName: "\(prefix)_build", unitName: "info", helpText: "Always 1; the labels say which build is running."),
            labels: labels + [("version", version), ("swift_version", swiftVersion)]
        ).set(to: 1.0)
    }
}
