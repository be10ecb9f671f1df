import FailoverCore
import FoundationEssentials
import Logging

/// Applies a changed configuration to the running daemon (SIGHUP, `systemctl reload`).
///
/// Safe changes are applied at once: the token (its file is re-read), the TLS certificate and
/// key (re-read; new connections get them), the hold-downs and the stop budget. Other changed
/// keys are named in the log and in a metric as waiting for a restart. A configuration that does
/// not load, or a token or certificate that cannot be read, changes nothing.
public actor ConfigurationReloader {
    /// What one reload did.
    public enum Outcome: Sendable, Equatable {
        /// The reload applied. `changed` lists the keys whose new values are in effect (the
        /// token and certificate files were re-read in any case); `restartRequired` the changed
        /// keys that wait for a restart.
        case applied(changed: [String], restartRequired: [String])
        /// Nothing changed: the new configuration did not load, for this reason.
        case rejected(String)
    }

    private var running: FailoverdConfiguration
    private let load: @Sendable () throws -> FailoverdConfiguration
    private let authenticator: WebhookAuthenticator
    private let tls: LiveTLSCredentials?
    private let fleet: ServiceFleet
    private let metrics: DaemonMetrics
    private let tally: ReloadTally
    private let logger: Logger
    private let clock: any DaemonClock

    init(
        running: FailoverdConfiguration,
        load: @escaping @Sendable () throws -> FailoverdConfiguration,
        authenticator: WebhookAuthenticator,
        tls: LiveTLSCredentials?,
        fleet: ServiceFleet,
        metrics: DaemonMetrics,
        tally: ReloadTally,
        logger: Logger,
        clock: any DaemonClock
    ) {
        self.running = running
        self.load = load
        self.authenticator = authenticator
        self.tls = tls
        self.fleet = fleet
        self.metrics = metrics
        self.tally = tally
        self.logger = logger
        self.clock = clock
        metrics.configurationLoaded(successful: true, restartRequired: false, at: clock.now().timeIntervalSince1970)
    }

    /// Loads the configuration again and applies what can change while serving.
    @discardableResult
    public func reload() async -> Outcome {
        let change: ConfigurationChange
        let token: String
        let credentials: TLSCredentials?
        var policies: [(service: String, policy: FailoverPolicy)] = []
        do {
            change = ConfigurationChange(running: running, loaded: try load())
            token = try change.effective.readToken()
            credentials = tls == nil ? nil : try change.effective.tlsCredentials()
            for service in change.effective.managedServices {
                policies.append((service.name, try service.settings.policy()))
            }
        } catch {
            logger.error(
                "configuration reload rejected; the running configuration stays in effect",
                metadata: ["config.error": .string("\(error)")]
            )
            metrics.configurationLoaded(successful: false, restartRequired: false, at: clock.now().timeIntervalSince1970)
            metrics.reloaded(applied: false)
            tally.record(applied: false, restartRequired: false)
            return .rejected("\(error)")
        }
        running = change.effective
        authenticator.replace(token: token, basicUsername: running.basicAuthUsername)
        if let credentials { tls?.replace(with: credentials) }
        for (service, policy) in policies {
            await fleet.member(named: service)?.controller.adopt(policy)
        }
        metrics.configurationLoaded(successful: true, restartRequired: !change.restartRequired.isEmpty, at: clock.now().timeIntervalSince1970)
        metrics.reloaded(applied: true)
        tally.record(applied: true, restartRequired: !change.restartRequired.isEmpty)
        let metadata: Logger.Metadata = [
            "config.applied": .string(change.applied.joined(separator: ",")),
            "config.restart_required": .string(change.restartRequired.joined(separator: ",")),
        ]
        if change.restartRequired.isEmpty {
            logger.notice("configuration reloaded", metadata: metadata)
        } else {
            logger.warning("configuration reloaded; some changed keys take effect only after a restart", metadata: metadata)
        }
        return .applied(changed: change.applied, restartRequired: change.restartRequired)
    }
}
