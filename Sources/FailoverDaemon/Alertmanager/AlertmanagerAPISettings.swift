import FoundationEssentials
import ServiceSupport

/// How failoverd reaches Alertmanager's API to correct lost or late webhooks; the auth and TLS
/// settings have the shapes of Alertmanager's own `http_config`, so they can be copied.
public struct AlertmanagerAPISettings: Sendable, Equatable {
    /// Base URLs of the Alertmanager peers (`http://am1:9093`); empty: webhooks only.
    public var urls: [String] = []
    /// Time between questions.
    public var interval: Duration = .seconds(30)
    /// Longest one peer may take to answer a whole question (its status and its alerts).
    public var timeout: Duration = .seconds(5)
    /// How long a peer must have been up before its not listing an alert counts as the alert's
    /// resolution: a restarted Alertmanager has lost its alerts until Prometheus re-sends them,
    /// every `--rules.alert.resend-delay` (1 m by default).
    public var warmup: Duration = .seconds(120)
    /// File with a bearer token (`authorization.credentials_file`).
    public var bearerCredentialsFile: String?
    /// Basic-auth user name (`basic_auth.username`).
    public var basicAuthUsername: String?
    /// File with the basic-auth password (`basic_auth.password_file`).
    public var basicAuthPasswordFile: String?
    /// PEM file of the CAs to trust for `https://` peers (`tls_config.ca_file`); the system's
    /// trust store otherwise.
    public var caFile: String?

    /// Defaults: off.
    public init() {}

    /// Whether failoverd asks Alertmanager at all.
    public var isEnabled: Bool { !urls.isEmpty }

    /// Checks what one key's rule cannot: URL shapes and auth settings that go together.
    func validate() throws(ConfigurationError) {
        for url in urls {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme), parsed.host?.isEmpty == false else {
                throw ConfigurationError(
                    key: "alertmanager.urls",
                    problem: "'\(url)' is not an http:// or https:// base URL, e.g. http://127.0.0.1:9093"
                )
            }
            // Peer URLs are logged and exported as the `peer` label of a metric.
            guard parsed.user == nil, parsed.password == nil else {
                throw ConfigurationError(
                    key: "alertmanager.urls",
                    problem: "the URL for \(parsed.host ?? "a peer") carries credentials, which would show in logs and metrics; "
                        + "use alertmanager.basic_auth with a password_file instead"
                )
            }
        }
        guard (basicAuthUsername == nil) == (basicAuthPasswordFile == nil) else {
            throw ConfigurationError(key: "alertmanager.basic_auth", problem: "set both username and password_file, or neither")
        }
        guard bearerCredentialsFile == nil || basicAuthUsername == nil else {
            throw ConfigurationError(key: "alertmanager", problem: "set authorization or basic_auth, not both")
        }
    }
}
