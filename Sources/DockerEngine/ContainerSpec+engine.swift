import FoundationEssentials
import RuntimeSpec

/// The spec as the Engine API takes it: `POST /containers/create`'s body, and the parts of a
/// Swarm task template. `environment` is the spec's with its environment file read in (the
/// adapter reads files; this type never touches the disk).
extension ContainerSpec {
    /// `POST /containers/create`'s body.
    func createBody(environment: [String], labels extraLabels: [String: String]) throws(ContainerSpecError) -> JSONValue {
        var config: JSONValue = [
            "Image": .string(image),
            "Env": .array(environment.map(JSONValue.string)),
            "Labels": .object(labels.merging(extraLabels) { _, new in new }.mapValues(JSONValue.string)),
            "StopTimeout": .integer(Int64(stopTimeoutSeconds)),
        ]
        if !command.isEmpty { config["Cmd"] = .array(command.map(JSONValue.string)) }
        if !entrypoint.isEmpty { config["Entrypoint"] = .array(entrypoint.map(JSONValue.string)) }
        if !user.isEmpty { config["User"] = .string(user) }
        if !workingDirectory.isEmpty { config["WorkingDir"] = .string(workingDirectory) }
        if healthCheck.isConfigured { config["Healthcheck"] = healthCheck.engineObject }

        var exposed: [String: JSONValue] = [:]
        var bindings: [String: [JSONValue]] = [:]
        // With host networking the container binds the host's ports itself; dockerd ignores
        // publications there (validation refuses them, so none get here unnoticed).
        if networkMode != "host" {
            for text in ports {
                let port = try PortPublication(parsing: text)
                exposed[port.containerPortKey] = [:]
                bindings[port.containerPortKey, default: []].append(
                    ["HostIp": .string(port.hostAddress), "HostPort": .string(String(port.hostPort))]
                )
            }
        }
        config["ExposedPorts"] = .object(exposed)
        var host: JSONValue = [
            "NetworkMode": .string(networkMode),
            "PortBindings": .object(bindings.mapValues(JSONValue.array)),
            // Restart policy "no": failoverd alone decides when the cloud copy runs, including
            // after a host reboot; a Docker restart policy would start it behind its back.
            "RestartPolicy": ["Name": "no"],
            "Mounts": .array(try mounts()),
        ]
        if memoryLimit.bytes > 0 { host["Memory"] = .integer(Int64(memoryLimit.bytes)) }
        if cpus > 0 { host["NanoCpus"] = .integer(Int64((cpus * 1e9).rounded())) }
        if !log.driver.isEmpty {
            host["LogConfig"] = ["Type": .string(log.driver), "Config": .object(log.options.mapValues(JSONValue.string))]
        }
        config["HostConfig"] = host
        return config
    }

    /// A Swarm task template's `ContainerSpec` for a local image id, with its secrets' references.
    func swarmContainerSpec(
        imageID: String,
        environment: [String],
        labels extraLabels: [String: String],
        secrets: [JSONValue]
    )
        throws(ContainerSpecError) -> JSONValue
    {
        var spec: JSONValue = [
            // By id: a node pulls an image named by tag from its registry first, even when it
            // has it; an id is used as it is.
            "Image": .string(imageID),
            "Env": .array(environment.map(JSONValue.string)),
            "Labels": .object(labels.merging(extraLabels) { _, new in new }.mapValues(JSONValue.string)),
            "StopGracePeriod": .integer(Int64(stopTimeoutSeconds) * 1_000_000_000),
            "Mounts": .array(try mounts()),
            "Secrets": .array(secrets),
        ]
        // Swarm's names differ from a container's: Command is the entrypoint, Args the command.
        if !entrypoint.isEmpty { spec["Command"] = .array(entrypoint.map(JSONValue.string)) }
        if !command.isEmpty { spec["Args"] = .array(command.map(JSONValue.string)) }
        if !user.isEmpty { spec["User"] = .string(user) }
        if !workingDirectory.isEmpty { spec["Dir"] = .string(workingDirectory) }
        if healthCheck.isConfigured { spec["Healthcheck"] = healthCheck.engineObject }
        return spec
    }

    /// A Swarm task template's `Resources`: the limits.
    var swarmResources: JSONValue {
        var limits: JSONValue = [:]
        if memoryLimit.bytes > 0 { limits["MemoryBytes"] = .integer(Int64(memoryLimit.bytes)) }
        if cpus > 0 { limits["NanoCPUs"] = .integer(Int64((cpus * 1e9).rounded())) }
        return ["Limits": limits]
    }

    /// A Swarm task template's `LogDriver`, nil for dockerd's default.
    var swarmLogDriver: JSONValue? {
        log.driver.isEmpty ? nil : ["Name": .string(log.driver), "Options": .object(log.options.mapValues(JSONValue.string))]
    }

    private func mounts() throws(ContainerSpecError) -> [JSONValue] {
        var mounts: [JSONValue] = []
        for text in volumes { mounts.append(try VolumeMount(parsing: text).engineObject) }
        return mounts
    }

    /// The environment with the environment file's lines read in before the spec's own, so the
    /// spec's win for a name both set (as `docker run --env-file … -e …` does).
    public func environment(withFileContents file: String?) throws(ContainerSpecError) -> [String] {
        guard let file else { return environment }
        var lines: [String] = []
        // "\r\n" is one Character in Swift: a Windows line end separates lines too.
        for (number, raw) in file.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let equals = trimmed.firstIndex(of: "="), equals != trimmed.startIndex,
                !trimmed[..<equals].contains(where: { $0 == " " || $0 == "\t" })
            else {
                throw ContainerSpecError("env_file", "line \(number + 1) is not NAME=value (a bare NAME would copy failoverd's own environment)")
            }
            lines.append(String(trimmed))
        }
        // One entry per name: a process reading a doubled name would get the first one.
        let ownNames = Set(environment.map { $0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? $0 })
        return lines.filter { !ownNames.contains($0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? $0) } + environment
    }
}

extension HealthCheck {
    /// The Engine API's `Healthcheck` object (durations in nanoseconds).
    var engineObject: JSONValue {
        [
            "Test": .array(test.map(JSONValue.string)),
            "Interval": .integer(interval.nanoseconds),
            "Timeout": .integer(timeout.nanoseconds),
            "Retries": .integer(Int64(retries)),
            "StartPeriod": .integer(startPeriod.nanoseconds),
        ]
    }
}

extension VolumeMount {
    /// The Engine API's `Mount` object. A bind's host path must exist: dockerd refuses it
    /// otherwise, instead of making an empty root-owned directory as `-v` does.
    var engineObject: JSONValue {
        ["Type": .string(kind.rawValue), "Source": .string(source), "Target": .string(target), "ReadOnly": .bool(readOnly)]
    }
}

extension PortPublication {
    /// The Engine API's port key, e.g. `8080/tcp`.
    var containerPortKey: String { "\(containerPort)/\(transport)" }
}

extension Duration {
    /// Whole nanoseconds, as the Engine API counts durations.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
