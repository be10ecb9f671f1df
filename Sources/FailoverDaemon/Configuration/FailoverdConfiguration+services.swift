import FoundationEssentials
import RuntimeSpec
import ServiceSupport
import YAML

/// One service failoverd fails over: its own triggers, hold-downs, stop budget and target.
public struct ManagedService: Sendable, Equatable {
    /// The name in `/status`, replies, logs and the `service` label of metrics.
    public var name: String
    /// The top-level per-service values with this service's own keys applied.
    public var settings: ServiceSettings
}

extension FailoverdConfiguration {
    /// The services failoverd manages: the `services:` entries, or, without that key, the one
    /// service the top-level keys describe, named after its container.
    public var managedServices: [ManagedService] {
        services.isEmpty ? [ManagedService(name: service.container.name, settings: service)] : services
    }

    /// Whether the file lists services; replies, `/status`, metrics and logs then name each.
    public var listsServices: Bool { !services.isEmpty }

    /// Keys an entry under `services:` may set, besides its name.
    static var perServiceKeys: [ConfigurationKey] { keys.filter(\.perService) }

    /// The `services:` entries as written, each checked for keys a service cannot set (the
    /// caller names the file).
    static func serviceEntries(_ node: YAMLNode) throws(ConfigurationError) -> [YAMLNode] {
        guard let entries = node.sequence, !entries.isEmpty else {
            throw ConfigurationError(key: "services", problem: "expected a list of services, each a map with a name")
        }
        var nodes: [YAMLNode] = []
        for (index, entry) in entries.enumerated() {
            guard let mapping = entry.mapping else {
                throw ConfigurationError(key: "services[\(index)]", problem: "expected a map with a name and the service's keys")
            }
            let allowed = Set(["name"] + perServiceKeys.map { $0.path.split(separator: ".").first.map(String.init) ?? $0.path })
            for key in mapping.keys {
                let name = key.string ?? "\(key)"
                guard allowed.contains(name) else {
                    throw ConfigurationError(
                        key: "services[\(index)].\(name)",
                        problem: "not a per-service key; a service sets \(allowed.sorted().joined(separator: ", "))"
                    )
                }
            }
            nodes.append(entry)
        }
        return nodes
    }

    /// Applies each `services:` entry over the final top-level values.
    mutating func resolveServices(_ entries: [YAMLNode]) throws(ConfigurationError) {
        var resolved: [ManagedService] = []
        for (index, entry) in entries.enumerated() {
            guard let name = entry.mapping?["name"]?.string, !name.isEmpty else {
                throw ConfigurationError(key: "services[\(index)].name", problem: "required: a short name for the service (letters, digits, - _ .)")
            }
            var settings = service
            for key in Self.perServiceKeys {
                guard let node = entry.value(at: key.path) else { continue }
                do {
                    try key.read(node, into: &settings)
                } catch {
                    throw ConfigurationError(key: "services[\(name)].\(error.key)", problem: error.problem)
                }
            }
            resolved.append(ManagedService(name: name, settings: settings))
        }
        services = resolved
    }

    private static let serviceNameCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

    /// Each service valid on its own, names usable in paths and labels, no two sharing a name
    /// or a container.
    func validateServices() throws(ConfigurationError) {
        var names = Set<String>()
        var containers = Set<String>()
        for service in services {
            let key = "services[\(service.name)]"
            guard service.name.allSatisfy(Self.serviceNameCharacters.contains), service.name.first != "." else {
                throw ConfigurationError(key: key, problem: "a name is letters, digits, - _ . (it names the service's state directory)")
            }
            guard names.insert(service.name).inserted else {
                throw ConfigurationError(key: key, problem: "two services have this name")
            }
            guard containers.insert(service.settings.container.name).inserted else {
                throw ConfigurationError(
                    key: "\(key).container.name",
                    problem: "'\(service.settings.container.name)' is another service's too; each service needs its own"
                )
            }
            do {
                for perServiceKey in Self.perServiceKeys { try perServiceKey.validate(service.settings) }
                _ = try service.settings.policy()
                try service.settings.validateRules()
            } catch {
                throw ConfigurationError(key: "\(key).\(error.key)", problem: error.problem)
            }
        }
    }

    /// The `services:` list as `check-config` prints it: every per-service key of every entry.
    func printedServices() -> YAMLNode? {
        guard listsServices else { return nil }
        let entries = services.map { service in
            var entry = YAMLNode([(YAMLNode, YAMLNode)](), .block)
            entry.setValue(YAMLNode(service.name), at: "name")
            for key in Self.perServiceKeys {
                entry.setValue(key.printed(service.settings), at: key.path)
            }
            return entry
        }
        return YAMLNode(entries, .block)
    }
}
