import ArgumentParser
import AsyncHTTPClient
import DockerEngine
import FailoverDaemon
import Foundation
import Logging
import NIOHTTP1
import Prometheus
import ServiceLifecycle
import ServiceSupport
import SystemdSupport

/// `failoverd`: starts the cloud copy when Alertmanager says on-prem is down, and stops it after
/// on-prem is back.
@main
struct FailoverdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failoverd",
        abstract: "Alertmanager webhook → cloud container failover daemon.",
        subcommands: [Serve.self, CheckConfig.self, Status.self, Pause.self, Resume.self],
        defaultSubcommand: Serve.self
    )
}

/// Options every subcommand shares: where the configuration is, and flag overrides.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .long, help: "YAML or JSON configuration file.") var config: String?
    @Option(help: "Listen port (overrides file and FAILOVERD_PORT).") var port: Int?
    @Option(help: "State directory (overrides file and FAILOVERD_STATE_DIRECTORY).") var stateDirectory: String?
    @Option(help: "Hold-down seconds before the cloud copy stops (overrides file and env).") var holdDownSeconds: Double?

    func load() throws -> FailoverdConfiguration {
        var configuration = try FailoverdConfiguration.load(file: config, environment: ProcessInfoEnvironment.snapshot())
        if let port { configuration.port = port }
        if let stateDirectory { configuration.stateDirectory = stateDirectory }
        if let holdDownSeconds { configuration.holdDownSeconds = holdDownSeconds }
        try configuration.validate()
        return configuration
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the daemon (default).")
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let configuration: FailoverdConfiguration
        let token: String
        do {
            configuration = try options.load()
            token = try configuration.readToken()
        } catch {
            throw ValidationError("invalid configuration: \(error)")
        }
        let environment = ProcessInfoEnvironment.snapshot()
        let journal = JournalStream.isConnected(environment: environment)
        LoggingSystem.bootstrap { label -> any LogHandler in
            journal ? JournalLogHandler(identifier: "failoverd", label: label, fallback: JSONLogHandler(label: label)) : JSONLogHandler(label: label)
        }
        let logger = Logger(label: "failoverd")
        let notifier = SystemdNotifier.fromEnvironment(environment)
        logger.info("service manager integration", metadata: [
            "systemd.notify": .stringConvertible(notifier != nil), "systemd.journal": .stringConvertible(journal),
            "systemd.watchdog_ping_seconds": .string(notifier?.watchdogInterval.map { "\($0.inSeconds)" } ?? "off"),
        ])

        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let runtime = DockerCloudContainer(
            spec: configuration.container,
            http: http,
            socketPath: configuration.dockerSocket,
            readyTimeout: .seconds(configuration.readyTimeoutSeconds),
            logger: logger
        )
        let daemon = try await buildFailoverd(
            configuration: configuration,
            token: token,
            dependencies: FailoverdDependencies(
                runtime: runtime,
                registry: PrometheusCollectorRegistry(),
                logger: logger,
                onReady: { notifier?.notify(.ready) },
                onStatus: { notifier?.notify(.status($0)) },
                watchdog: notifier?.watchdogInterval.map { interval in WatchdogHook(interval: interval) { notifier?.notify(.watchdog) } }
            )
        )
        var services: [any Service] = [HTTPClientService(client: http), daemon.application]
        if let notifier { services.append(ServiceManagerShutdownNotice(notifier: notifier)) }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}

/// Keeps the shared HTTP client alive for the daemon's life and shuts it down last.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate the configuration and print it, secrets redacted.")
    @OptionGroup var options: ConfigurationOptions

    func run() throws {
        do {
            let configuration = try options.load()
            _ = try configuration.readToken()
            _ = try configuration.tlsServerConfiguration()
            print(configuration.redactedDescription())
            print("# configuration OK")
        } catch {
            print("configuration error: \(error)")
            throw ExitCode(2)
        }
    }
}

/// Talks to a running daemon on loopback with the configured token.
struct DaemonClient {
    let configuration: FailoverdConfiguration

    func call(_ method: HTTPMethod, _ path: String) async throws -> StatusReport {
        let token = try configuration.readToken()
        let scheme = configuration.tlsCertificatePath == nil ? "http" : "https"
        var request = HTTPClientRequest(url: "\(scheme)://127.0.0.1:\(configuration.port)\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.tlsConfiguration = try configuration.tlsLoopbackClientConfiguration()
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        do {
            let response = try await client.execute(request, timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 20)
            try await client.shutdown()
            guard response.status == .ok else {
                throw ValidationError("failoverd answered \(response.status.code): \(String(buffer: body))")
            }
            return try JSONDecoder().decode(StatusReport.self, from: Data(body.readableBytesView))
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    static func render(_ status: StatusReport) -> String {
        var lines = [
            "failoverd: \(status.summary)",
            "  desired: \(status.desired.rawValue)   actual: \(status.actual)\(status.health.map { " (\($0))" } ?? "")   paused: \(status.paused)",
            "  reason: \(status.reason)",
        ]
        if let container = status.containerID { lines.append("  container: \(container.prefix(12))") }
        if let until = status.holdDownUntil { lines.append("  hold-down until: \(until) (\(Int(status.holdDownRemainingSeconds ?? 0)) s left)") }
        for alert in status.firingTriggerAlerts {
            lines.append("  firing: \(alert.alertname) \(alert.labels.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")) since \(alert.startsAt) [\(alert.fingerprint)]")
        }
        if let action = status.lastAction { lines.append("  last action: \(action.what) at \(action.at)") }
        if let error = status.lastError { lines.append("  last error: \(error.what) at \(error.at)") }
        return lines.joined(separator: "\n")
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Ask the running daemon what it is doing.")
    @OptionGroup var options: ConfigurationOptions
    @Flag(help: "Print the raw JSON.") var json = false

    func run() async throws {
        let status = try await DaemonClient(configuration: try options.load()).call(.GET, "/status")
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print(DaemonClient.render(status))
        }
    }
}

struct Pause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Pause automation: nothing is started or stopped until resume.")
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        print(DaemonClient.render(try await DaemonClient(configuration: try options.load()).call(.POST, "/pause")))
    }
}

struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Resume automation.")
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        print(DaemonClient.render(try await DaemonClient(configuration: try options.load()).call(.POST, "/resume")))
    }
}
