import ServiceSupport
import YAML

/// What runs the cloud copy. A typed key, so adding a target is one case here and the compiler
/// names every place that must handle it (the runtime factory first).
public enum CloudTarget: String, Sendable, CaseIterable {
    /// One container on the cloud host's Docker engine.
    case container
    /// A Docker Swarm service scaled from 0 to `swarm.replicas`.
    case swarm
}

extension CloudTarget: ConfigurationValue {
    static var typeName: String { "string" }

    init(node: YAMLNode, key: String) throws(ConfigurationError) {
        let word = try String(node: node, key: key)
        guard let target = CloudTarget(rawValue: word) else {
            throw ConfigurationError(
                key: key,
                problem: "must be one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(word)\""
            )
        }
        self = target
    }

    var node: YAMLNode { rawValue.node }
}

extension AllowedValues where Value == CloudTarget {
    /// Every case; the key table lists them.
    static var anyCase: Self { Self(description: CloudTarget.allCases.map(\.rawValue).joined(separator: ", "), admits: { _ in true }) }
}
