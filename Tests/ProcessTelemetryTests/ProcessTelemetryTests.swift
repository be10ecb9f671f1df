import Foundation
import ProcessTelemetry
import Prometheus
import Testing

@Suite("Process telemetry")
struct ProcessTelemetryTests {
    /// A line in the kernel's format, with a command name that has a space and a parenthesis.
    static let stat =
        "4242 (swift (test) x) S 1 4242 4242 0 -1 4194560 1380 0 0 0 250 75 0 0 20 0 9 0 1234500 "
        + "536870912 2048 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0"

    @Test func statFieldsBecomeSecondsAndBytesEvenWithParenthesesInTheCommandName() throws {
        let statistics = try #require(
            ProcessStatistics(stat: Self.stat, clockTicksPerSecond: 100, pageBytes: 4096, bootTimeSeconds: 1_700_000_000)
        )
        #expect(statistics.cpuSeconds == 3.25)
        #expect(statistics.residentBytes == 2048 * 4096)
        #expect(statistics.virtualBytes == 536_870_912)
        #expect(statistics.startTimeSeconds == 1_700_000_000 + 12_345)
    }

    @Test(arguments: ["", "4242 swift S 1", "4242 (swift) S 1 2 3"])
    func truncatedOrForeignStatLinesAreRejected(line: String) {
        #expect(ProcessStatistics(stat: line, clockTicksPerSecond: 100, pageBytes: 4096, bootTimeSeconds: 0) == nil)
    }

    /// Reads this test process's own /proc, as a scrape of the daemons does.
    @Test func metricsDescribeThisProcess() throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = ProcessMetrics(registry: registry)
        metrics.update()
        let values = Dictionary(
            registry.emitToString().split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line -> (String, Double)? in
                let parts = line.split(separator: " ")
                return parts.count == 2 ? (String(parts[0]), Double(parts[1]) ?? -1) : nil
            },
            uniquingKeysWith: { first, _ in first }
        )
        #expect(try #require(values["process_resident_memory_bytes"]) > 1_000_000)
        #expect(try #require(values["process_virtual_memory_bytes"]) >= values["process_resident_memory_bytes"]!)
        #expect(try #require(values["process_open_fds"]) >= 3)
        #expect(try #require(values["process_max_fds"]) >= values["process_open_fds"]!)
        #expect(try #require(values["process_cpu_seconds_total"]) > 0)
        let started = try #require(values["process_start_time_seconds"])
        let now = Date().timeIntervalSince1970
        #expect(started <= now + 1 && started > now - 3600, "this test process started within the hour")
    }

    @Test func buildInfoCarriesTheVersionAfterTheCallersLabels() {
        let registry = PrometheusCollectorRegistry()
        BuildInfo.register(prefix: "kit", labels: [("site", "cloud")], in: registry)
        #expect(
            registry.emitToString().contains(
                #"kit_build_info{site="cloud",version="\#(BuildInfo.version)",revision="\#(BuildInfo.revision)",swift_version="\#(BuildInfo.swiftVersion)"} 1"#
            )
        )
        #expect(BuildInfo.versionLine("failoverd") == "failoverd \(BuildInfo.version) (Swift \(BuildInfo.swiftVersion))")
    }

    @Test(arguments: [
        ("0.2.0+git1a2b3c4", "1a2b3c4"),
        ("0.2.0+git1a2b3c4.dirty", "1a2b3c4.dirty"),
        ("0.2.0+gitunknown", "unknown"),
        ("0.0.0+unstamped", "unknown"),
        ("9.9.9", "unknown"),
    ])
    func revisionIsWhatFollowsGitInTheVersion(version: String, revision: String) {
        #expect(BuildInfo.revision(of: version) == revision)
    }
}
