import FailoverCore
import FoundationEssentials
import ServiceSupport
import YAML

#if canImport(Glibc)
import Glibc
#endif

/// failoverd's configuration: a YAML (or JSON) file, overridden by `FAILOVERD_*` environment
/// variables, overridden by flags. Every key, its default and its rules are declared once in
/// `FailoverdConfiguration.keys`; the properties here hold the values.
public struct FailoverdConfiguration: Sendable, Equatable {
    /// Address the webhook listener binds.
    public var host = "0.0.0.0"
    /// Port the webhook listener binds.
    public var port = 9095
    /// PEM certificate chain; with `tlsKeyPath`, serves HTTPS (Alertmanager reaches us across the internet).
    public var tlsCertificatePath: String?
    /// PEM private key.
    public var tlsKeyPath: String?
    /// The oldest TLS version the listener accepts: "1.2" or "1.3".
    public var tlsMinimumVersion = "1.2"
    /// PEM CAs whose client certificates the listener requires; nil: no client certificate asked.
    public var tlsClientCAPath: String?
    /// File holding the shared secret (bearer token, or basic-auth password). Under systemd the
    /// default is `$CREDENTIALS_DIRECTORY/webhook-token` (LoadCredential=).
    public var tokenFile: String?
    /// Basic-auth user name accepted with the token as password.
    public var basicAuthUsername = "alertmanager"
    /// Whether `/metrics` asks for the token too: it names the services, their images and what
    /// failoverd is doing, and the webhook port faces the WAN.
    public var metricsRequireToken = true
    /// Time between safety-net reconcile passes; Docker's events and the hold-down's end wake
    /// the loop sooner, so this only bounds how long a missed event goes unnoticed.
    public var reconcileInterval: Duration = .seconds(30)
    /// Longest backoff between failing reconcile passes.
    public var maximumBackoff: Duration = .seconds(60)
    /// Longest a webhook waits for the runtime before answering 503; below Alertmanager's 10 s minimum timeout.
    public var replyDeadline: Duration = .seconds(8)
    /// Largest accepted webhook body.
    public var maximumBodyBytes = 1 << 20
    /// Most open client connections; more wait in the listen backlog. Below the unit's
    /// `LimitNOFILE=8192`, leaving descriptors for Docker and the state file.
    public var maximumConnections = 4096
    /// Longest a client may take to send a whole request, from connecting or from its previous
    /// response; slower connections are closed.
    public var requestTimeout: Duration = .seconds(10)
    /// Docker Engine socket.
    public var dockerSocket = "/var/run/docker.sock"
    /// Whether to follow Docker's event stream for the cloud container.
    public var followRuntimeEvents = true
    /// Alertmanager's API, asked to correct lost or late webhooks.
    public var alertmanager = AlertmanagerAPISettings()
    /// Where state.json lives (systemd: StateDirectory=).
    public var stateDirectory = "/var/lib/failoverd"
    /// The per-service keys at the top level: the one service's settings when the file lists
    /// no `services:`, and what each entry starts from when it does.
    public var service = ServiceSettings()
    /// The services under `services:`, each the top-level values with its own keys applied;
    /// empty when the file has none and the top-level keys describe the one service.
    public internal(set) var services: [ManagedService] = []

    /// All defaults.
    public init() {}

    /// The longest a healthy convergence can take: observe, then either start and wait for
    /// health, or stop with Docker's grace period, each runtime call bounded by its own timeout.
    /// A convergence running longer is hung, and the systemd watchdog stops being fed.
    public var convergenceLimit: Duration {
        (managedServices.map(\.settings.slowestAction).max() ?? .zero) + .seconds(30)
    }

    /// Descriptors kept for everything but client connections: Docker's and Alertmanager's
    /// connections and event streams, the probe, the state directory, the listener, the event
    /// loops, the journal.
    public static let descriptorsKeptForTheDaemon = 256

    /// The connections the listener may hold open with `openFiles` descriptors: `max_connections`
    /// when they fit, else as many as fit (at least 16), with why, so the webhook that matters
    /// waits in the backlog instead of failing to be accepted (EMFILE).
    public func connectionLimit(openFiles: Int) -> (allowed: Int, clampedBecause: String?) {
        let fitting = max(16, openFiles - Self.descriptorsKeptForTheDaemon)
        guard maximumConnections > fitting else { return (maximumConnections, nil) }
        return (
            fitting,
            "max_connections \(maximumConnections) does not fit in \(openFiles) open files (\(Self.descriptorsKeptForTheDaemon) kept for the daemon); "
                + "serving at most \(fitting) connections: raise LimitNOFILE (ulimit -n) or lower max_connections"
        )
    }

    /// Reads the file (if any) over the defaults, then the environment, then the flags.
    ///
    /// `flags` are `--name value` or `--name=value` pairs of the keys that declare a flag.
    public static func load(
        file path: String?,
        environment: [String: String],
        flags: [String] = []
    ) throws(ConfigurationError) -> FailoverdConfiguration {
        var configuration = FailoverdConfiguration()
        try configuration.applyDockerHost(environment["DOCKER_HOST"])
        // systemd's StateDirectory= (a colon-separated list when it names several); the file wins.
        if let state = environment["STATE_DIRECTORY"]?.split(separator: ":").first {
            configuration.stateDirectory = String(state)
        }
        // Service entries apply over the top-level values once the environment and flags set them.
        let serviceEntries = try path.map { path throws(ConfigurationError) in try configuration.applyFile(at: path) } ?? []
        try configuration.applyEnvironment(environment)
        try configuration.applyFlags(flags)
        try configuration.resolveServices(serviceEntries)
        return configuration
    }

    /// The file read when no `--config` is given: systemd's `ConfigurationDirectory=`, else
    /// `/etc/failoverd`, when it holds a `failoverd.yml`; nil means defaults and variables only.
    public static func defaultFile(environment: [String: String], fileExists: (String) -> Bool = FileManager.default.fileExists) -> String? {
        let directories =
            (environment["CONFIGURATION_DIRECTORY"]?.split(separator: ":").first.map(String.init).map { [$0] } ?? []) + ["/etc/failoverd"]
        return directories.map { $0 + "/failoverd.yml" }.first(where: fileExists)
    }

    /// `DOCKER_HOST` as the Docker CLI reads it, below the file and `docker.socket`: a user
    /// who points Docker tools at a socket proxy gets failoverd there too. Only `unix://` is
    /// spoken; anything else is refused rather than silently replaced by the default socket.
    private mutating func applyDockerHost(_ value: String?) throws(ConfigurationError) {
        guard let value, !value.isEmpty else { return }
        guard value.hasPrefix("unix://"), value.count > "unix://".count else {
            throw ConfigurationError(
                key: "DOCKER_HOST",
                problem: "'\(value)': failoverd reaches Docker over a unix socket only (unix:///path); set docker.socket, or unset DOCKER_HOST"
            )
        }
        dockerSocket = String(value.dropFirst("unix://".count))
    }

    /// Applies the file's top-level keys and returns its `services:` entries.
    private mutating func applyFile(at path: String) throws(ConfigurationError) -> [YAMLNode] {
        let text: String
        do {
            text = try TextFile.contents(of: path)
        } catch {
            throw ConfigurationError(key: "--config", problem: error.description)
        }
        let root: YAMLNode?
        do {
            root = try YAMLNode.parse(text)
        } catch {
            throw ConfigurationError(key: path, problem: "not valid YAML or JSON: \(error)")
        }
        guard let root else { return [] }
        guard root.mapping != nil else { throw ConfigurationError(key: path, problem: "expected a map of keys at the top level") }
        try Self.rejectUnknownKeys(in: root, file: path)
        for key in Self.keys {
            guard let node = root.value(at: key.path) else { continue }
            do {
                try key.read(node, into: &self)
            } catch {
                throw ConfigurationError(key: error.key, problem: "\(error.problem) (in \(path))")
            }
        }
        guard let services = root.mapping?["services"] else { return [] }
        do {
            return try Self.serviceEntries(services)
        } catch {
            throw ConfigurationError(key: error.key, problem: "\(error.problem) (in \(path))")
        }
    }

    mutating func applyEnvironment(_ environment: [String: String]) throws(ConfigurationError) {
        try Self.rejectUnknownVariables(in: environment)
        let reader = EnvironmentReader(environment)
        for key in Self.keys {
            guard let text = reader.string(key.environmentName) else { continue }
            do {
                try key.read(text: text, into: &self)
            } catch {
                throw ConfigurationError(key: key.environmentName, problem: error.problem)
            }
        }
        if tokenFile == nil, let credentials = reader.string("CREDENTIALS_DIRECTORY") {
            tokenFile = credentials + "/webhook-token"
        }
    }

    private mutating func applyFlags(_ arguments: [String]) throws(ConfigurationError) {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("--") else {
                throw ConfigurationError(key: argument, problem: "unexpected argument")
            }
            let parts = argument.dropFirst(2).split(separator: "=", maxSplits: 1).map(String.init)
            guard let name = parts.first, let key = Self.keys.first(where: { $0.flag == name }) else {
                let known = Self.keys.compactMap { $0.flag.map { "--\($0)" } }.joined(separator: ", ")
                throw ConfigurationError(key: argument, problem: "unknown option; configuration flags are \(known)")
            }
            guard let value = parts.count == 2 ? parts[1] : remaining.popFirst() else {
                throw ConfigurationError(key: argument, problem: "needs a value")
            }
            do {
                try key.read(text: value, into: &self)
            } catch {
                throw ConfigurationError(key: "--\(name)", problem: error.problem)
            }
        }
    }

    /// Checks every value, naming the key and the fix.
    public func validate() throws(ConfigurationError) {
        for key in Self.keys {
            try key.validate(self)
        }
        _ = try service.policy()
        try alertmanager.validate()
        guard tokenFile != nil else {
            throw ConfigurationError(
                key: "auth.token_file",
                problem: "required: set auth.token_file, FAILOVERD_TOKEN_FILE or systemd LoadCredential=webhook-token:..."
            )
        }
        guard (tlsCertificatePath == nil) == (tlsKeyPath == nil) else {
            throw ConfigurationError(key: "tls", problem: "set both tls.certificate and tls.key, or neither")
        }
        try service.validateRules()
        try validateServices()
    }

    /// Reads the token, trimming a trailing newline; refuses an empty one.
    public func readToken() throws(ConfigurationError) -> String {
        guard let tokenFile else { throw ConfigurationError(key: "auth.token_file", problem: "not set") }
        let raw: String
        do {
            raw = String(decoding: try TextFile.bytes(of: tokenFile, secret: true), as: UTF8.self)
        } catch {
            throw ConfigurationError(key: "auth.token_file", problem: error.description)
        }
        let token = raw.trimmingWhitespace()
        guard token.count >= 16 else { throw ConfigurationError(key: "auth.token_file", problem: "token must be at least 16 characters") }
        guard !token.contains(where: \.isWhitespace) else {
            throw ConfigurationError(
                key: "auth.token_file",
                problem: "the token has a space or line break inside it, which no Authorization header can carry; write it as one word"
            )
        }
        return token
    }

    /// The effective configuration as YAML a file could hold, secrets redacted (the token
    /// itself is never loaded here; container environment values may be secrets).
    public func redactedDescription() -> String {
        var root = YAMLNode([(YAMLNode, YAMLNode)](), .block)
        for key in Self.keys {
            root.setValue(key.printed(self), at: key.path)
        }
        if let services = printedServices() { root.setValue(services, at: "services") }
        return (try? root.emitted()) ?? ""
    }
}

extension YAMLNode {
    /// The node at a dotted path of mapping keys, or nil when any step is missing.
    func value(at path: String) -> YAMLNode? {
        var node: YAMLNode? = self
        for component in path.split(separator: ".") {
            node = node?.mapping?[String(component)]
        }
        return node
    }

    /// Sets the node at a dotted path, creating block mappings on the way.
    mutating func setValue(_ value: YAMLNode, at path: String) {
        let components = path.split(separator: ".").map(String.init)
        guard var mapping = self.mapping, let first = components.first else { return }
        if components.count == 1 {
            mapping[first] = value
        } else {
            var child = mapping[first] ?? YAMLNode([(YAMLNode, YAMLNode)](), .block)
            child.setValue(value, at: components.dropFirst().joined(separator: "."))
            mapping[first] = child
        }
        self = .mapping(mapping)
    }
}
