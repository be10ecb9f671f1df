import DockerEngine
import FailoverCore
import FoundationEssentials
import ServiceSupport
import Yams

/// failoverd's configuration: a YAML (or JSON) file, overridden by `FAILOVERD_*` environment
/// variables, overridden by flags. Every key has a documented default except the container image.
public struct FailoverdConfiguration: Sendable, Equatable {
    /// Address the webhook listener binds.
    public var host = "0.0.0.0"
    /// Port the webhook listener binds.
    public var port = 9095
    /// PEM certificate chain; with `tlsKeyPath`, serves HTTPS (Alertmanager reaches us across the internet).
    public var tlsCertificatePath: String?
    /// PEM private key.
    public var tlsKeyPath: String?
    /// File holding the shared secret (bearer token, or basic-auth password). Under systemd the
    /// default is `$CREDENTIALS_DIRECTORY/webhook-token` (LoadCredential=).
    public var tokenFile: String?
    /// Basic-auth user name accepted with the token as password.
    public var basicAuthUsername = "alertmanager"
    /// Trigger selectors in Alertmanager matcher syntax; any match makes an alert a trigger.
    public var triggers = [#"alertname="OnPremDown""#]
    /// Seconds with no firing trigger before the cloud copy stops.
    public var holdDownSeconds: Double = 120
    /// Stop budget: at most this many stops per window.
    public var maximumStopsPerWindow = 3
    /// Stop budget window in seconds.
    public var stopBudgetWindowSeconds: Double = 3600
    /// Seconds between reconcile passes.
    public var reconcileIntervalSeconds: Double = 5
    /// Longest backoff between failing reconcile passes.
    public var maximumBackoffSeconds: Double = 60
    /// Longest a webhook waits for Docker before answering 503; below Alertmanager's 10 s minimum timeout.
    public var replyDeadlineSeconds: Double = 8
    /// Longest a start waits for the container to be running and healthy.
    public var readyTimeoutSeconds: Double = 30

    /// The longest a healthy convergence can take: observe, then either start and wait for
    /// health, or stop with Docker's grace period, each Docker call bounded by its own timeout.
    /// A convergence running longer is hung, and the systemd watchdog stops being fed.
    public var convergenceLimitSeconds: Double {
        readyTimeoutSeconds + Double(container.stopTimeoutSeconds) + 30
    }

    /// Largest accepted webhook body.
    public var maximumBodyBytes = 1 << 20
    /// Docker Engine socket.
    public var dockerSocket = "/var/run/docker.sock"
    /// Where state.json lives (systemd: StateDirectory=).
    public var stateDirectory = "/var/lib/failoverd"
    /// The cloud container.
    public var container = ContainerSpec(name: "cloud-api", image: "", environment: ["SITE=cloud"])

    /// All defaults.
    public init() {}

    /// Reads a YAML/JSON file over the defaults.
    public static func load(file path: String?, environment: [String: String]) throws(ConfigurationError) -> FailoverdConfiguration {
        var configuration = FailoverdConfiguration()
        if let path {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigurationError(key: "--config", problem: "cannot read \(path): \(error.localizedDescription)")
            }
            let file: FileLayout
            do {
                file = try YAMLDecoder().decode(FileLayout.self, from: text)
            } catch {
                throw ConfigurationError(key: path, problem: "not a valid failoverd configuration: \(error)")
            }
            file.apply(to: &configuration)
        }
        try configuration.applyEnvironment(environment)
        return configuration
    }

    mutating func applyEnvironment(_ environment: [String: String]) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        if let value = reader.string("FAILOVERD_HOST") { host = value }
        if let value = try reader.int("FAILOVERD_PORT") { port = value }
        if let value = reader.string("FAILOVERD_TOKEN_FILE") { tokenFile = value }
        if let value = reader.string("FAILOVERD_STATE_DIRECTORY") { stateDirectory = value }
        if let value = reader.string("FAILOVERD_DOCKER_SOCKET") { dockerSocket = value }
        if let value = try reader.double("FAILOVERD_HOLD_DOWN_SECONDS") { holdDownSeconds = value }
        if let value = try reader.double("FAILOVERD_RECONCILE_INTERVAL_SECONDS") { reconcileIntervalSeconds = value }
        if let value = reader.string("FAILOVERD_CONTAINER_IMAGE") { container.image = value }
        if let value = reader.string("FAILOVERD_CONTAINER_NAME") { container.name = value }
        if tokenFile == nil, let credentials = reader.string("CREDENTIALS_DIRECTORY") {
            tokenFile = credentials + "/webhook-token"
        }
    }

    /// The engine policy these settings describe.
    public func policy() throws(ConfigurationError) -> FailoverPolicy {
        var selectors: [AlertSelector] = []
        for trigger in triggers {
            do {
                selectors.append(try AlertSelector(parsing: trigger))
            } catch {
                throw ConfigurationError(key: "triggers", problem: "\(error)")
            }
        }
        return FailoverPolicy(
            triggers: selectors,
            holdDown: holdDownSeconds,
            maximumStopsPerWindow: maximumStopsPerWindow,
            stopBudgetWindow: stopBudgetWindowSeconds
        )
    }

    /// Checks every value, naming the key and the fix.
    public func validate() throws(ConfigurationError) {
        guard (1...65535).contains(port) || port == 0 else { throw ConfigurationError(key: "listen.port", problem: "must be 0...65535, got \(port)") }
        guard !triggers.isEmpty else { throw ConfigurationError(key: "triggers", problem: "needs at least one selector, e.g. alertname=\"OnPremDown\"") }
        _ = try policy()
        guard holdDownSeconds >= 0 else { throw ConfigurationError(key: "hold_down_seconds", problem: "must be >= 0, got \(holdDownSeconds)") }
        guard maximumStopsPerWindow >= 1 else { throw ConfigurationError(key: "stop_budget.max_stops", problem: "must be >= 1") }
        guard stopBudgetWindowSeconds > 0 else { throw ConfigurationError(key: "stop_budget.window_seconds", problem: "must be > 0") }
        guard reconcileIntervalSeconds > 0 else { throw ConfigurationError(key: "reconcile_interval_seconds", problem: "must be > 0") }
        guard replyDeadlineSeconds > 0, replyDeadlineSeconds < 10 else {
            throw ConfigurationError(key: "reply_deadline_seconds", problem: "must be between 0 and 10 (Alertmanager's minimum timeout), got \(replyDeadlineSeconds)")
        }
        guard readyTimeoutSeconds > 0 else { throw ConfigurationError(key: "ready_timeout_seconds", problem: "must be > 0") }
        guard maximumBodyBytes >= 1024 else { throw ConfigurationError(key: "max_body_bytes", problem: "must be >= 1024") }
        guard tokenFile != nil else {
            throw ConfigurationError(key: "auth.token_file", problem: "required: set auth.token_file, FAILOVERD_TOKEN_FILE or systemd LoadCredential=webhook-token:...")
        }
        guard (tlsCertificatePath == nil) == (tlsKeyPath == nil) else {
            throw ConfigurationError(key: "tls", problem: "set both tls.certificate and tls.key, or neither")
        }
        guard !container.image.isEmpty else {
            throw ConfigurationError(key: "container.image", problem: "required: the local image of the cloud copy, e.g. onprem-api:latest")
        }
        guard !container.name.isEmpty else { throw ConfigurationError(key: "container.name", problem: "must not be empty") }
    }

    /// Reads the token, trimming a trailing newline; refuses an empty one.
    public func readToken() throws(ConfigurationError) -> String {
        guard let tokenFile else { throw ConfigurationError(key: "auth.token_file", problem: "not set") }
        let raw: String
        do {
            raw = try String(contentsOfFile: tokenFile, encoding: .utf8)
        } catch {
            throw ConfigurationError(key: "auth.token_file", problem: "cannot read \(tokenFile)")
        }
        let token = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16 else { throw ConfigurationError(key: "auth.token_file", problem: "token must be at least 16 characters") }
        return token
    }

    /// The effective configuration as YAML, secrets redacted (the token itself is never loaded here).
    public func redactedDescription() -> String {
        var lines = [
            "listen: {host: \(host), port: \(port)}",
            "tls: \(tlsCertificatePath.map { "{certificate: \($0), key: \(tlsKeyPath ?? "")}" } ?? "off")",
            "auth: {token_file: \(tokenFile ?? "<unset>"), token: <redacted>, basic_username: \(basicAuthUsername)}",
            "triggers: [\(triggers.map { "'\($0)'" }.joined(separator: ", "))]",
            "hold_down_seconds: \(holdDownSeconds)",
            "stop_budget: {max_stops: \(maximumStopsPerWindow), window_seconds: \(stopBudgetWindowSeconds)}",
            "reconcile_interval_seconds: \(reconcileIntervalSeconds)",
            "reply_deadline_seconds: \(replyDeadlineSeconds)",
            "ready_timeout_seconds: \(readyTimeoutSeconds)",
            "max_body_bytes: \(maximumBodyBytes)",
            "docker: {socket: \(dockerSocket)}",
            "state_directory: \(stateDirectory)",
            "container:",
            "  name: \(container.name)",
            "  image: \(container.image)",
            "  network_mode: \(container.networkMode)",
            "  ports: \(container.ports)",
            "  stop_timeout_seconds: \(container.stopTimeoutSeconds)",
            "  labels: \(container.labels)",
            "  env:",
        ]
        // Values of environment entries can be secrets; show only the names.
        lines += container.environment.map { "    - \($0.split(separator: "=", maxSplits: 1).first ?? "")=<redacted>" }
        return lines.joined(separator: "\n")
    }
}

/// The file's shape; every key optional so a file only states what it changes.
struct FileLayout: Decodable {
    struct Listen: Decodable { var host: String?; var port: Int? }
    struct TLS: Decodable { var certificate: String?; var key: String? }
    struct Auth: Decodable { var token_file: String?; var basic_username: String? }
    struct StopBudget: Decodable { var max_stops: Int?; var window_seconds: Double? }
    struct Docker: Decodable { var socket: String? }
    struct Container: Decodable {
        var name: String?; var image: String?; var env: [String]?; var labels: [String: String]?
        var network_mode: String?; var ports: [String]?; var stop_timeout_seconds: Int?
    }
    var listen: Listen?
    var tls: TLS?
    var auth: Auth?
    var triggers: [String]?
    var hold_down_seconds: Double?
    var stop_budget: StopBudget?
    var reconcile_interval_seconds: Double?
    var max_backoff_seconds: Double?
    var reply_deadline_seconds: Double?
    var ready_timeout_seconds: Double?
    var max_body_bytes: Int?
    var docker: Docker?
    var state_directory: String?
    var container: Container?

    func apply(to c: inout FailoverdConfiguration) {
        if let v = listen?.host { c.host = v }
        if let v = listen?.port { c.port = v }
        c.tlsCertificatePath = tls?.certificate ?? c.tlsCertificatePath
        c.tlsKeyPath = tls?.key ?? c.tlsKeyPath
        if let v = auth?.token_file { c.tokenFile = v }
        if let v = auth?.basic_username { c.basicAuthUsername = v }
        if let v = triggers { c.triggers = v }
        if let v = hold_down_seconds { c.holdDownSeconds = v }
        if let v = stop_budget?.max_stops { c.maximumStopsPerWindow = v }
        if let v = stop_budget?.window_seconds { c.stopBudgetWindowSeconds = v }
        if let v = reconcile_interval_seconds { c.reconcileIntervalSeconds = v }
        if let v = max_backoff_seconds { c.maximumBackoffSeconds = v }
        if let v = reply_deadline_seconds { c.replyDeadlineSeconds = v }
        if let v = ready_timeout_seconds { c.readyTimeoutSeconds = v }
        if let v = max_body_bytes { c.maximumBodyBytes = v }
        if let v = docker?.socket { c.dockerSocket = v }
        if let v = state_directory { c.stateDirectory = v }
        if let v = container?.name { c.container.name = v }
        if let v = container?.image { c.container.image = v }
        if let v = container?.env { c.container.environment = v }
        if let v = container?.labels { c.container.labels = v }
        if let v = container?.network_mode { c.container.networkMode = v }
        if let v = container?.ports { c.container.ports = v }
        if let v = container?.stop_timeout_seconds { c.container.stopTimeoutSeconds = v }
    }
}
