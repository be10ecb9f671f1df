/// A configuration value that cannot be used, with the key to fix and how.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// The environment variable, flag or file key that holds the bad value.
    public var key: String
    /// What is wrong and what is expected.
    public var problem: String

    /// Creates an error naming `key`.
    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    /// `KEY: problem`, the line an operator reads.
    public var description: String { "\(key): \(problem)" }
}

/// Typed reads of environment variables whose errors name the variable.
///
/// Empty values count as unset, matching how `KEY=` lines in env files are usually meant.
public struct EnvironmentReader: Sendable {
    private let environment: [String: String]

    /// Wraps a snapshot of the environment.
    public init(_ environment: [String: String]) {
        self.environment = environment
    }

    /// The raw value, or nil when unset or empty.
    public func string(_ key: String) -> String? {
        guard let value = environment[key], !value.isEmpty else { return nil }
        return value
    }

    /// An integer value.
    public func int(_ key: String) throws(ConfigurationError) -> Int? {
        guard let raw = string(key) else { return nil }
        guard let value = Int(raw) else {
            throw ConfigurationError(key: key, problem: "must be an integer, got '\(raw)'")
        }
        return value
    }

    /// A decimal value.
    public func double(_ key: String) throws(ConfigurationError) -> Double? {
        guard let raw = string(key) else { return nil }
        guard let value = Double(raw), value.isFinite else {
            throw ConfigurationError(key: key, problem: "must be a number, got '\(raw)'")
        }
        return value
    }

    /// A boolean written as true/false, yes/no, on/off or 1/0.
    public func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let raw = string(key) else { return nil }
        switch raw.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigurationError(key: key, problem: "must be true or false, got '\(raw)'")
        }
    }
}
