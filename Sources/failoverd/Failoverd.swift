import ArgumentParser
import AsyncHTTPClient
import DockerRuntime
import FailoverDaemon
import FoundationEssentials
import Glibc
import Logging
import NIOHTTP1
import ProcessTelemetry
import Prometheus
import ServiceLifecycle
import ServiceSupport
import SystemdSupport
import UnixSignals

/// `failoverd`: starts the cloud copy when Alertmanager says on-prem is down, and stops it after
/// on-prem is back.
@main
struct FailoverdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failoverd",
        abstract: "starts the cloud copy of a service when Alertmanager says on-prem is down.",
        version: BuildInfo.versionLine("failoverd"),
        subcommands: [Serve.self, CheckConfig.self, Reload.self, Status.self, Pause.self, Resume.self, WANTimingsCommand.self],
        defaultSubcommand: Serve.self
    )
}

/// Where the configuration is; the configuration keys' own flags (see `failoverd check-config
/// --keys`) are passed through to the key table.
struct ConfigurationOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "YAML or JSON configuration file (default: $CONFIGURATION_DIRECTORY/failoverd.yml, else /etc/failoverd/failoverd.yml, when present)."
    ) var config: String?
    @Argument(parsing: .allUnrecognized, help: .hidden) var keyFlags: [String] = []

    func load() throws -> FailoverdConfiguration {
        let environment = ProcessInfoEnvironment.snapshot()
        let file = config ?? FailoverdConfiguration.defaultFile(environment: environment)
        let configuration = try FailoverdConfiguration.load(file: file, environment: environment, flags: keyFlags)
        try configuration.validate()
        return configuration
    }

    /// The configuration, with its token and TLS files read as failoverd reads them at start
    /// and at reload: what check-config and reload vouch for.
    func loadChecked() throws -> FailoverdConfiguration {
        let configuration = try load()
        _ = try configuration.readToken()
        _ = try configuration.tlsCredentials()
        _ = try configuration.tlsClientCertificateAuthorities()
        return configuration
    }

    static let discussion = "Configuration flags (override the file and FAILOVERD_* variables): \(FailoverdConfiguration.flagSummary)."
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the daemon (default).", discussion: ConfigurationOptions.discussion)
    /// sysexits(3)'s EX_CONFIG, named in the unit's RestartPreventExitStatus=.
    static let configurationErrorExitCode: Int32 = 78
    /// sysexits(3)'s EX_TEMPFAIL: another failoverd holds the state directory.
    static let stateDirectoryHeldExitCode: Int32 = 75
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        // A SIGHUP (systemctl reload) that arrives while failoverd starts, before the reload
        // service traps it, is ignored rather than ending the process, as SIGHUP's default would.
        signal(SIGHUP, SIG_IGN)
        let loaded: FailoverdConfiguration
        let token: String
        do {
            loaded = try options.load()
            token = try loaded.readToken()
        } catch {
            // EX_CONFIG: the unit's RestartPreventExitStatus= ends it here instead of restarting
            // it ten times into the same error.
            StandardStream.error.writeLine("configuration error: \(error)")
            throw ExitCode(Self.configurationErrorExitCode)
        }
        // Held for the process's life: one daemon per state directory.
        let stateLock: StateDirectoryLock?
        do {
            stateLock = try StateDirectoryLock.acquire(directory: loaded.stateDirectory)
        } catch let held as StateDirectoryLock.Held {
            // EX_TEMPFAIL: under systemd, tried again after RestartSec, in case the other one ends.
            StandardStream.error.writeLine("failoverd: \(held)")
            throw ExitCode(Self.stateDirectoryHeldExitCode)
        } catch {
            // A missing, read-only or full directory: failoverd still serves; saving reports it.
            StandardStream.error.writeLine("failoverd: cannot lock the state directory, so a second failoverd would not be refused: \(error)")
            stateLock = nil
        }
        defer { withExtendedLifetime(stateLock) {} }
        let environment = ProcessInfoEnvironment.snapshot()
        let journal = JournalStream.isConnected(environment: environment)
        LoggingSystem.bootstrap { label -> any LogHandler in
            journal ? JournalLogHandler(identifier: "failoverd", label: label, fallback: JSONLogHandler(label: label)) : JSONLogHandler(label: label)
        }
        let logger = Logger(label: "failoverd")
        // Every client connection is a descriptor: started with a soft limit of 1024 (outside the
        // unit), stalled clients would make accept() fail and Alertmanager's webhook wait.
        let openFiles = OpenFileLimit.raiseSoftToHard()
        let connections = loaded.connectionLimit(openFiles: openFiles.soft)
        var limited = loaded
        if let clamped = connections.clampedBecause {
            limited.maximumConnections = connections.allowed
            logger.warning("fewer connections than configured", metadata: ["reason": .string(clamped)])
        }
        let configuration = limited
        let notifier = SystemdNotifier.fromEnvironment(environment)
        logger.info(
            "service manager integration",
            metadata: [
                "systemd.notify": .stringConvertible(notifier != nil), "systemd.journal": .stringConvertible(journal),
                "systemd.watchdog_ping_seconds": .string(notifier?.watchdogInterval.map { "\($0.inSeconds)" } ?? "off"),
                "process.open_files": .stringConvertible(openFiles.soft), "listen.max_connections": .stringConvertible(connections.allowed),
            ]
        )

        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let daemon = try await http.shutDown(ifThrowing: {
            try await buildFailoverd(
                configuration: configuration,
                token: token,
                dependencies: FailoverdDependencies(
                    runtime: { service, logger in
                        makeCloudRuntime(service: service.settings, dockerSocket: configuration.dockerSocket, http: http, logger: logger)
                    },
                    registry: PrometheusCollectorRegistry(),
                    logger: logger,
                    onReady: { notifier?.notify(.ready) },
                    onStatus: { notifier?.notify(.status($0)) },
                    watchdog: notifier?.watchdogInterval.map { interval in WatchdogHook(interval: interval) { notifier?.notify(.watchdog) } },
                    reloadConfiguration: { [options] in try options.load() }
                )
            )
        })
        var services: [any Service] = [HTTPClientService(client: http), daemon.application]
        if let notifier { services.append(ServiceManagerShutdownNotice(notifier: notifier)) }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

extension HTTPClient {
    /// Runs `body`; when it throws, shuts the client down first: a client dropped without a
    /// shutdown traps, and the operator must see the error instead.
    func shutDown<T>(ifThrowing body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            try? await shutdown()
            throw error
        }
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
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration and print it, secrets redacted.",
        discussion: ConfigurationOptions.discussion
    )
    @OptionGroup var options: ConfigurationOptions
    @Flag(help: "Print the table of configuration keys (Markdown) instead.") var keys = false

    func run() throws {
        if keys {
            print(FailoverdConfiguration.keyReference())
            return
        }
        do {
            let configuration = try options.loadChecked()
            print(configuration.redactedDescription(), terminator: "")
            print("# configuration OK")
            // failoverd raises its soft open-files limit to the hard one at start; beyond that it serves fewer.
            if let note = configuration.connectionLimit(openFiles: OpenFileLimit.current().hard).clampedBecause {
                StandardStream.error.writeLine("note: with this shell's open-files limit, \(note) (under systemd, the unit's LimitNOFILE decides)")
            }
        } catch {
            StandardStream.error.writeLine("configuration error: \(error)")
            throw ExitCode(2)
        }
    }
}

/// `systemctl reload` (the unit's ExecReload=): signals the daemon and waits for the outcome,
/// so the reload has happened when systemctl returns, and a refused one fails it, with the reason.
struct Reload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the running daemon reload its configuration (SIGHUP) and wait for the outcome.",
        discussion: "Exits 1 when failoverd refuses the new configuration (the running one stays). \(ConfigurationOptions.discussion)"
    )
    @OptionGroup var options: ConfigurationOptions
    @Option(help: "The daemon's process id ($MAINPID in the unit).") var pid: Int32
    @Option(help: "How long to wait for the daemon's answer, in seconds.") var timeout: Int = 10

    func run() async throws {
        let configuration: FailoverdConfiguration
        do {
            configuration = try options.loadChecked()
        } catch {
            // The daemon reads the same file: it refuses the reload too, and counts it for alerts.
            kill(pid, SIGHUP)
            StandardStream.error.writeLine("failoverd reload: refused, the running configuration stays: \(error)")
            throw ExitCode.failure
        }
        let client = DaemonClient(configuration: configuration)
        let before = try await client.reloadCounts()
        guard kill(pid, SIGHUP) == 0 else {
            StandardStream.error.writeLine("failoverd reload: cannot signal process \(pid): \(String(cString: strerror(errno)))")
            throw ExitCode.failure
        }
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            let now = try await client.reloadCounts()
            if now.rejected > before.rejected {
                StandardStream.error.writeLine("failoverd reload: refused, the running configuration stays; journalctl -u failoverd names why")
                throw ExitCode.failure
            }
            if now.applied > before.applied {
                let waiting = now.restartRequired ? "; some changed keys take effect only after a restart (see the journal)" : ""
                print("configuration reloaded" + waiting)
                return
            }
        }
        StandardStream.error.writeLine("failoverd reload: no outcome within \(timeout) s of SIGHUP to \(pid)")
        throw ExitCode.failure
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Ask the running daemon what it is doing.", discussion: ConfigurationOptions.discussion)
    @OptionGroup var options: ConfigurationOptions
    @Flag(help: "Print the raw JSON.") var json = false
    @Option(help: "Only this service (a name under services:).") var service: String?

    func run() async throws {
        let status = try await DaemonClient(configuration: try options.load()).call(.GET, "/status", service: service)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print(status.rendered())
        }
    }
}

struct Pause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pause automation: nothing is started or stopped until resume.",
        discussion: ConfigurationOptions.discussion
    )
    @OptionGroup var options: ConfigurationOptions
    @Option(help: "Only this service (a name under services:); default all.") var service: String?

    func run() async throws {
        print(try await DaemonClient(configuration: try options.load()).call(.POST, "/pause", service: service).rendered())
    }
}

struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Resume automation.", discussion: ConfigurationOptions.discussion)
    @OptionGroup var options: ConfigurationOptions
    @Option(help: "Only this service (a name under services:); default all.") var service: String?

    func run() async throws {
        print(try await DaemonClient(configuration: try options.load()).call(.POST, "/resume", service: service).rendered())
    }
}
