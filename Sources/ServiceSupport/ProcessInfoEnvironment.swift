import FoundationEssentials

/// The process environment as a plain dictionary, so configuration code stays testable.
public enum ProcessInfoEnvironment {
    /// A snapshot of the current environment.
    public static func snapshot() -> [String: String] {
        ProcessInfo.processInfo.environment
    }
}
