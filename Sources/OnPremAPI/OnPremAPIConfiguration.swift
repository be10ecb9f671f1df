import ServiceSupport

/// Everything `onprem-api` needs to run, as one value.
///
/// Built from the environment (the way containers and systemd units configure it), then
/// overridden by command-line flags; `validate()` names the offending key and the fix.
public struct OnPremAPIConfiguration: Sendable, Equatable {
    /// Address to bind. Default `0.0.0.0` so the same image serves behind HAProxy; env `HOST`.
    public var host: String = "0.0.0.0"
    /// Port to bind. Default 8080; env `PORT`.
    public var port: Int = 8080
    /// Which copy this is (`onprem`, `cloud`, ...), shown in every response, log line and metric; env `SITE`.
    public var site: String = "onprem"
    /// Whether the drill endpoints and knobs (`/fail`, `/cpu`, `/kill`, `delay_ms`, failure rate) work;
    /// env `FAULT_INJECTION` (`true`/`false`). Off by default so production never exposes them by accident.
    public var faultInjectionEnabled: Bool = false
    /// Probability (0...1) that `GET /` answers 500; env `FAILURE_RATE`. Needs fault injection.
    public var failureRate: Double = 0
    /// How long `/health` answers 503 after SIGTERM before the listener closes, so load balancers
    /// stop sending new requests first; env `SHUTDOWN_DRAIN_SECONDS`.
    public var shutdownDrain: Duration = .seconds(2)
    /// Upper bound for the whole graceful shutdown (drain plus in-flight requests); env
    /// `SHUTDOWN_TIMEOUT_SECONDS`. Below Docker's default 10 s stop timeout, so we exit before SIGKILL.
    public var shutdownTimeout: Duration = .seconds(8)

    /// Largest accepted `delay_ms`.
    public static let maximumDelayMilliseconds = 10_000
    /// Largest accepted `/cpu?seconds=`.
    public static let maximumCPUSeconds = 10.0

    /// A configuration with every default.
    public init() {}

    /// Reads the documented environment variables over the defaults.
    public init(environment: [String: String]) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        if let host = reader.string("HOST") { self.host = host }
        if let port = try reader.int("PORT") { self.port = port }
        if let site = reader.string("SITE") { self.site = site }
        if let enabled = try reader.bool("FAULT_INJECTION") { self.faultInjectionEnabled = enabled }
        if let rate = try reader.double("FAILURE_RATE") { self.failureRate = rate }
        if let drain = try reader.double("SHUTDOWN_DRAIN_SECONDS") { self.shutdownDrain = .seconds(drain) }
        if let timeout = try reader.double("SHUTDOWN_TIMEOUT_SECONDS") { self.shutdownTimeout = .seconds(timeout) }
    }

    /// Checks every value and says which key to fix and how.
    public func validate() throws(ConfigurationError) {
        guard (0...65535).contains(port) else {
            throw ConfigurationError(key: "PORT", problem: "must be 0...65535, got \(port)")
        }
        guard ASCIIToken.isValid(site, maximumLength: 64, punctuation: "_.-") else {
            throw ConfigurationError(key: "SITE", problem: "must be 1-64 characters of [A-Za-z0-9_.-], got '\(site)'")
        }
        guard (0...1).contains(failureRate) else {
            throw ConfigurationError(key: "FAILURE_RATE", problem: "must be between 0 and 1, got \(failureRate)")
        }
        if failureRate > 0 && !faultInjectionEnabled {
            throw ConfigurationError(key: "FAILURE_RATE", problem: "needs FAULT_INJECTION=true; set it or set FAILURE_RATE=0")
        }
        guard shutdownDrain >= .zero, shutdownTimeout > .zero, shutdownDrain < shutdownTimeout else {
            throw ConfigurationError(
                key: "SHUTDOWN_DRAIN_SECONDS",
                problem: "must be >= 0 and below SHUTDOWN_TIMEOUT_SECONDS (\(shutdownTimeout)), got \(shutdownDrain)"
            )
        }
    }
}
