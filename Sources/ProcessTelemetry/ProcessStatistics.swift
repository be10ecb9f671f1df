/// One reading of a Linux process's resource use, parsed from `/proc` text so it can be tested
/// without a process of its own.
public struct ProcessStatistics: Equatable, Sendable {
    /// User plus system CPU time, in seconds.
    public var cpuSeconds: Double
    /// Resident set size, in bytes.
    public var residentBytes: Double
    /// Virtual memory size, in bytes.
    public var virtualBytes: Double
    /// Start time, in seconds since the Unix epoch.
    public var startTimeSeconds: Double

    /// Parses the contents of `/proc/<pid>/stat` (man 5 proc).
    ///
    /// - Parameters:
    ///   - stat: the file's single line.
    ///   - clockTicksPerSecond: `sysconf(_SC_CLK_TCK)`, the unit of the CPU and start times.
    ///   - pageBytes: `sysconf(_SC_PAGESIZE)`, the unit of the resident size.
    ///   - bootTimeSeconds: when the machine booted, in seconds since the Unix epoch; the start
    ///     time counts from boot.
    /// - Returns: nil when the line is not in the kernel's format.
    public init?(stat: String, clockTicksPerSecond: Double, pageBytes: Double, bootTimeSeconds: Double) {
        // The command name (field 2) is in parentheses and may itself contain spaces and
        // parentheses, so the numeric fields start after the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); field n is fields[n - 3].
        func field(_ number: Int) -> Double? {
            fields.indices.contains(number - 3) ? Double(fields[number - 3]) : nil
        }
        guard let userTicks = field(14), let systemTicks = field(15), let startTicks = field(22),
            let virtualBytes = field(23), let residentPages = field(24), clockTicksPerSecond > 0
        else { return nil }
        cpuSeconds = (userTicks + systemTicks) / clockTicksPerSecond
        residentBytes = residentPages * pageBytes
        self.virtualBytes = virtualBytes
        startTimeSeconds = bootTimeSeconds + startTicks / clockTicksPerSecond
    }
}
