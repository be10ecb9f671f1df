import CBuildStamp
import Prometheus

/// What every executable of the kit says about its build: `--version` and the `*_build_info` metric.
public enum BuildInfo {
    /// The build's version, `<release>+git<revision>[.dirty]` (scripts/version.sh), stamped in at
    /// build time: the same string names the Debian package and the image label, so `dpkg -l`,
    /// `--version` and the metric agree on which build runs. "0.0.0+unstamped" for a plain
    /// `swift build` outside the Makefile and the build scripts.
    public static let version = String(cString: failover_kit_version())

    /// The Git revision in `version` ("1a2b3c4", "1a2b3c4.dirty"), or "unknown".
    public static let revision = revision(of: version)

    /// The Swift compiler that built this binary.
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

    /// The part of a version after `+git`, or "unknown" when it names no revision.
    package static func revision(of version: String) -> String {
        let parts = version.split(separator: "+git", maxSplits: 1)
        guard parts.count == 2, parts[1] != "unknown" else { return "unknown" }
        return String(parts[1])
    }

    /// Registers `<prefix>_build_info{...,version,revision,swift_version} 1`, the conventional way
    /// to join a build's identity onto other series in a query; `labels` come first (a site, say).
    public static func register(
        prefix: String,
        labels: [(String, String)] = [],
        version: String = version,
        in registry: PrometheusCollectorRegistry
    ) {
        registry.makeGauge(
            descriptor: .init(metricName: "\(prefix)_build", unitName: "info", helpText: "Always 1; the labels say which build is running."),
            labels: labels + [("version", version), ("revision", revision(of: version)), ("swift_version", swiftVersion)]
        ).set(to: 1.0)
    }
}
