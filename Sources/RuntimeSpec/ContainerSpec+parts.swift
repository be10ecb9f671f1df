/// A part of a `ContainerSpec` that does not read; `problem` says what the operator must
/// write instead, `part` which part it is (the configuration key under `container.`).
public struct ContainerSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The part, as the configuration names it: `volumes`, `healthcheck.test`, …
    public var part: String
    /// What is wrong, and the form that is right.
    public var problem: String

    /// Creates an error.
    public init(_ part: String, _ problem: String) {
        self.part = part
        self.problem = problem
    }

    public var description: String { "\(part): \(problem)" }
}

/// One entry of `volumes`: a bind of a host path or a named volume, at a path in the container.
public struct VolumeMount: Sendable, Equatable {
    /// A bind mount of a host path, or a volume Docker manages by name.
    public enum Kind: String, Sendable {
        case bind
        case volume
    }

    /// Bind or volume.
    public var kind: Kind
    /// The host path (bind) or the volume's name.
    public var source: String
    /// The absolute path in the container.
    public var target: String
    /// Whether the container may only read it.
    public var readOnly: Bool

    /// Reads `/host/path:/target[:ro|:rw]` or `name:/target[:ro|:rw]`.
    public init(parsing text: String) throws(ContainerSpecError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let form = "'\(text)': write SOURCE:TARGET[:ro], SOURCE an absolute host path or a volume name, TARGET an absolute path"
        guard parts.count == 2 || parts.count == 3 else { throw ContainerSpecError("volumes", form) }
        let (source, target) = (parts[0], parts[1])
        guard target.hasPrefix("/"), !target.contains("\u{0}") else { throw ContainerSpecError("volumes", form) }
        if parts.count == 3 {
            guard ["ro", "rw"].contains(parts[2]) else { throw ContainerSpecError("volumes", "'\(text)': the mode is ro or rw, not '\(parts[2])'") }
        }
        if source.hasPrefix("/") {
            kind = .bind
        } else {
            let nameCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
            guard let first = source.first, first.isLetter || first.isNumber, source.allSatisfy(nameCharacters.contains) else {
                throw ContainerSpecError("volumes", form + " (a volume name is letters, digits, _ . -)")
            }
            kind = .volume
        }
        self.source = source
        self.target = target
        self.readOnly = parts.count == 3 && parts[2] == "ro"
    }
}

/// One entry of `ports`: a host port published to a container port.
public struct PortPublication: Sendable, Equatable {
    /// The host address it binds; empty is every address.
    public var hostAddress: String
    /// The host port.
    public var hostPort: Int
    /// The container's port.
    public var containerPort: Int
    /// tcp or udp.
    public var transport: String

    /// Reads `[IP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]` (IPv6 addresses in brackets).
    public init(parsing text: String) throws(ContainerSpecError) {
        let form = "'\(text)': write [IP:]HOSTPORT:CONTAINERPORT[/tcp|/udp], ports 1-65535"
        var rest = Substring(text)
        transport = "tcp"
        if let slash = rest.lastIndex(of: "/") {
            transport = String(rest[rest.index(after: slash)...])
            rest = rest[..<slash]
            guard ["tcp", "udp"].contains(transport) else { throw ContainerSpecError("ports", form) }
        }
        var address = ""
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            address = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            guard rest.hasPrefix(":") else { throw ContainerSpecError("ports", form) }
            rest = rest.dropFirst()
        }
        var parts = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 3, address.isEmpty {
            address = parts.removeFirst()
            guard Self.isIPv4(address) else { throw ContainerSpecError("ports", form + " ('\(address)' is not an IPv4 address)") }
        }
        guard parts.count == 2, let host = Int(parts[0]), let container = Int(parts[1]), (1...65535).contains(host), (1...65535).contains(container)
        else { throw ContainerSpecError("ports", form) }
        hostAddress = address
        hostPort = host
        containerPort = container
    }

    private static func isIPv4(_ text: String) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { octet in Int(octet).map { (0...255).contains($0) && String($0) == octet } ?? false }
    }
}

extension ContainerSpec {
    /// Checks every part written in Docker's short syntax, naming the first that does not read.
    public func validateParts() throws(ContainerSpecError) {
        for volume in volumes { _ = try VolumeMount(parsing: volume) }
        for port in ports { _ = try PortPublication(parsing: port) }
        let secretCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        for (name, file) in secrets {
            guard !name.isEmpty, name.first != ".", name.allSatisfy(secretCharacters.contains) else {
                throw ContainerSpecError("secrets", "secret '\(name)': a name is letters, digits, _ . - (it becomes /run/secrets/NAME)")
            }
            guard file.hasPrefix("/") else {
                throw ContainerSpecError("secrets", "secret '\(name)': '\(file)' is not an absolute path on the cloud host")
            }
        }
        if let environmentFile, !environmentFile.hasPrefix("/") {
            throw ContainerSpecError("env_file", "env_file '\(environmentFile)' is not an absolute path on the cloud host")
        }
        guard workingDirectory.isEmpty || workingDirectory.hasPrefix("/") else {
            throw ContainerSpecError("working_dir", "working_dir '\(workingDirectory)' is not an absolute path in the container")
        }
        for entry in environment where !entry.contains("=") || entry.hasPrefix("=") {
            throw ContainerSpecError("env", "env entry '\(entry.split(separator: "=").first ?? "")' is not NAME=value")
        }
        if healthCheck.isConfigured {
            guard let kind = healthCheck.test.first, ["CMD", "CMD-SHELL", "NONE"].contains(kind) else {
                throw ContainerSpecError("healthcheck.test", "starts with CMD, CMD-SHELL or NONE, as in a Dockerfile's HEALTHCHECK")
            }
            guard kind == "NONE" || healthCheck.test.count > 1 else { throw ContainerSpecError("healthcheck.test", "\(kind) needs a command") }
        }
        guard cpus >= 0, cpus <= 1024 else { throw ContainerSpecError("cpus", "cpus \(cpus): between 0 (no limit) and 1024") }
        guard memoryLimit.bytes == 0 || memoryLimit.bytes >= 6 << 20 else {
            throw ContainerSpecError("memory", "memory \(memoryLimit): at least 6m (Docker's minimum), or 0 for no limit")
        }
    }
}
