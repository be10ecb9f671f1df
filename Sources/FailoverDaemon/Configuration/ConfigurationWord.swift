import ServiceSupport
import YAML

/// A key that takes one word of a fixed set (`target`, `mode`): typed, so adding a word is one
/// case and the compiler names every place that must handle it.
protocol ConfigurationWord: ConfigurationValue, RawRepresentable<String>, CaseIterable {}

extension ConfigurationWord {
    static var typeName: String { "string" }

    init(node: YAMLNode, key: String) throws(ConfigurationError) {
        let word = try String(node: node, key: key)
        guard let value = Self(rawValue: word) else {
            throw ConfigurationError(key: key, problem: "must be one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(word)\"")
        }
        self = value
    }

    var node: YAMLNode { rawValue.node }
}

extension AllowedValues where Value: ConfigurationWord {
    /// Every word; the key table lists them.
    static var anyCase: Self { Self(description: Value.allCases.map(\.rawValue).joined(separator: ", "), admits: { _ in true }) }
}

/// What runs the cloud copy.
public enum CloudTarget: String, Sendable, ConfigurationWord {
    /// One container on the cloud host's Docker engine.
    case container
    /// A Docker Swarm service scaled from 0 to `swarm.replicas`.
    case swarm
}

/// Whether failoverd acts on the cloud copy or only says what it would do (a first rollout).
public enum FailoverMode: String, Sendable, ConfigurationWord {
    /// Starts, stops and prepares the cloud copy as decided.
    case act
    /// Decides and keeps state as usual, but changes nothing on the cloud copy: status, metrics
    /// and the journal say what it would have done, and since when.
    case observe
}
