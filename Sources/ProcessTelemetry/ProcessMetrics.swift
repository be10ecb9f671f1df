import Prometheus
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The conventional `process_*` metrics (memory, CPU, descriptors, start time) that Prometheus'
/// own client libraries export, read from `/proc/self` when `/metrics` is scraped.
///
/// swift-system-metrics would provide these but is not among the packages this kit builds from,
/// and the reader is small. Off Linux the metrics stay at zero.
public final class ProcessMetrics: Sendable {
    private let cpuSeconds: Counter
    private let residentBytes: Gauge
    private let virtualBytes: Gauge
    private let startTimeSeconds: Gauge
    private let openDescriptors: Gauge
    private let maximumDescriptors: Gauge
    /// The CPU seconds already added to the counter, which can only grow by increments.
    private let reportedCPUSeconds = Mutex(0.0)

    /// Creates the metrics in `registry`, with their first values.
    public init(registry: PrometheusCollectorRegistry) {
        func gauge(_ name: String, _ unit: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: .init(metricName: name, unitName: unit, helpText: help))
        }
        cpuSeconds = registry.makeCounter(
            descriptor: .init(metricName: "process_cpu_seconds", unitName: "total", helpText: "Total user and system CPU time spent in seconds.")
        )
        residentBytes = gauge("process_resident_memory", "bytes", "Resident memory size in bytes.")
        virtualBytes = gauge("process_virtual_memory", "bytes", "Virtual memory size in bytes.")
        startTimeSeconds = gauge("process_start_time", "seconds", "Start time of the process since unix epoch in seconds.")
        openDescriptors = gauge("process_open", "fds", "Number of open file descriptors.")
        maximumDescriptors = gauge("process_max", "fds", "Maximum number of open file descriptors.")
        update()
    }

    /// Reads `/proc/self` again; call it before each scrape's `emitToString()`.
    public func update() {
        #if os(Linux)
        if let stat = ProcFile.read("/proc/self/stat"),
            let statistics = ProcessStatistics(
                stat: stat,
                clockTicksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))),
                pageBytes: Double(sysconf(Int32(_SC_PAGESIZE))),
                bootTimeSeconds: Self.bootTime()
            )
        {
            residentBytes.set(statistics.residentBytes)
            virtualBytes.set(statistics.virtualBytes)
            startTimeSeconds.set(statistics.startTimeSeconds)
            reportedCPUSeconds.withLock { reported in
                if statistics.cpuSeconds > reported {
                    cpuSeconds.increment(by: statistics.cpuSeconds - reported)
                    reported = statistics.cpuSeconds
                }
            }
        }
        if let open = ProcFile.entryCount("/proc/self/fd") {
            // The directory listing itself holds one descriptor while it counts.
            openDescriptors.set(Double(open - 1))
        }
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            maximumDescriptors.set(Double(limit.rlim_cur))
        }
        #endif
    }

    #if os(Linux)
    /// When the machine booted, from the clocks rather than `/proc/stat`, which the unit's
    /// `ProcSubset=pid` hides.
    private static func bootTime() -> Double {
        var now = timespec()
        var sinceBoot = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        clock_gettime(CLOCK_BOOTTIME, &sinceBoot)
        return Double(now.tv_sec - sinceBoot.tv_sec) + Double(now.tv_nsec - sinceBoot.tv_nsec) / 1e9
    }
    #endif
}
