import FoundationEssentials
import ServiceSupport
import YAML

/// A type a configuration key can hold: read from a YAML node (the file) or from text (an
/// environment variable or a flag), and written back as a node (`check-config`).
protocol ConfigurationValue: Sendable {
    /// How the key table (docs/configuration.md) names the type.
    static var typeName: String { get }
    /// Reads the value from the file.
    init(node: YAMLNode, key: String) throws(ConfigurationError)
    /// Reads the value from an environment variable or a flag.
    init(text: String, key: String) throws(ConfigurationError)
    /// The value as YAML.
    var node: YAMLNode { get }
}

extension ConfigurationValue {
    /// Text values that are not plain strings (numbers, lists, maps) are YAML, so
    /// `FAILOVERD_TRIGGERS='["alertname=\"X\""]'` reads like the file does.
    init(text: String, key: String) throws(ConfigurationError) {
        let parsed: YAMLNode?
        do {
            parsed = try YAMLNode.parse(text)
        } catch {
            throw ConfigurationError(key: key, problem: "not valid YAML: '\(text)'")
        }
        guard let parsed else { throw ConfigurationError(key: key, problem: "empty value; expected \(Self.typeName)") }
        try self.init(node: parsed, key: key)
    }
}

extension String: ConfigurationValue {
    static var typeName: String { "string" }

    init(node: YAMLNode, key: String) throws(ConfigurationError) {
        guard let scalar = node.scalar else { throw ConfigurationError(key: key, problem: "expected a string") }
        self = scalar.string
    }

    init(text: String, key: String) {
        self = text
    }

    var node: YAMLNode { YAMLNode(self, .doubleQuoted) }
}

extension Int: ConfigurationValue {
    static var typeName: String { "integer" }

    init(node: YAMLNode, key: String) throws(ConfigurationError) {
        guard let value = node.int else {
            throw ConfigurationError(key: key, problem: "expected an integer, got '\(node.scalar?.string ?? "a collection")'")
        }
        self = value
    }

    var node: YAMLNode { YAMLNode(String(self)) }
}

extension Bool: ConfigurationValue {
    static var typeName: String { "boolean" }

    init(node: YAMLNode, key: String) throws(ConfigurationError) {
        guard let value = node.bool else {
            throw ConfigurationError(key: key, problem: "expected true or false, got '\(node.scalar?.string ?? "a collection")'")
        }
        self = value
    }

    var node: YAMLNode { YAMLNode(self ? "true" : "false") }
}

extension Double: ConfigurationValue {
    static var typeName: String { "number" }

    init(node: YAMLNode, key: String) throws(ConfigurationError) {
        guard let value = node.float, value.isFinite else {
            throw ConfigurationError(key: key, problem: "expected a number, got '\(node.scalar?.string ?? "a collection")'")
        }
        self = value
    }

    var node: YAMLNode { YAMLNode(self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)) }
}

/// Durations are written in seconds, as decimals (`hold_down_seconds: 120`, `0.5`).
extension Duration: ConfigurationValue {
    static var typeName: String { "seconds" }

    init(node: YAMLNode, key: String) throws(ConfigurationError) {
        guard let seconds = node.float, seconds.isFinite else {
            throw ConfigurationError(key: key, problem: "expected a number of seconds, got '\(node.scalar?.string ?? "a collection")'")
        }
        guard abs(seconds) <= Self.longestConfigurable else {
            throw ConfigurationError(
                key: key,
                problem: "\(node.scalar?.string ?? "") seconds is beyond the longest duration failoverd takes "
                    + "(\(Int(Self.longestConfigurable)) s, about 31 years)"
            )
        }
        self = .seconds(seconds)
    }

    /// Longer durations overflow where they become timers (NIO's `TimeAmount` counts nanoseconds
    /// in 64 bits, 292 years) and mean nothing on an on-call rota.
    static let longestConfigurable: Double = 1e9

    var node: YAMLNode { YAMLNode(Self.format(self)) }

    /// Whole seconds without a fraction, others as a plain decimal.
    static func format(_ duration: Duration) -> String {
        let seconds = duration.inSeconds
        return seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(seconds)
    }
}

extension Array: ConfigurationValue where Element == String {
    static var typeName: String { "list of strings" }

    init(node: YAMLNode, key: String) throws(ConfigurationError) {
        guard let sequence = node.sequence else { throw ConfigurationError(key: key, problem: "expected a list") }
        var values: [String] = []
        for (index, element) in sequence.enumerated() {
            values.append(try String(node: element, key: "\(key)[\(index)]"))
        }
        self = values
    }

    var node: YAMLNode { YAMLNode(map(\.node), .block) }
}

extension Dictionary: ConfigurationValue where Key == String, Value == String {
    static var typeName: String { "map of strings" }

    init(node: YAMLNode, key: String) throws(ConfigurationError) {
        guard let mapping = node.mapping else { throw ConfigurationError(key: key, problem: "expected a map") }
        var values: [String: String] = [:]
        for (name, value) in mapping {
            let name = try String(node: name, key: key)
            values[name] = try String(node: value, key: "\(key).\(name)")
        }
        self = values
    }

    var node: YAMLNode { YAMLNode(sorted { $0.key < $1.key }.map { (YAMLNode($0.key), $0.value.node) }, .block) }
}

/// An optional key: absent means unset; `check-config` prints `null`.
extension Optional: ConfigurationValue where Wrapped == String {
    static var typeName: String { "string" }

    init(node: YAMLNode, key: String) throws(ConfigurationError) {
        if let scalar = node.scalar, scalar.style == .plain, ["null", "~", ""].contains(scalar.string) {
            self = nil
        } else {
            self = try String(node: node, key: key)
        }
    }

    init(text: String, key: String) {
        self = text
    }

    var node: YAMLNode { map(\.node) ?? YAMLNode("null") }
}
