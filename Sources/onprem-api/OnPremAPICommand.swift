import ArgumentParser
import Logging
import OnPremAPI
import ProcessTelemetry
import Prometheus
import ServiceLifecycle
import ServiceSupport

#if canImport(Glibc)
import Glibc
#endif

/// `onprem-api`: the service that runs on-prem, and whose same image is the cloud standby.
@main
struct OnPremAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onprem-api",
        abstract: "The API service: health, metrics, JSON logs and drill fault injection.",
        version: BuildInfo.versionLine("onprem-api"),
        subcommands: [Serve.self, Healthcheck.self],
        defaultSubcommand: Serve.self
    )
}

/// Flags that override the environment; unset flags leave the environment's value.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP service (default).")

    @Option(help: "Address to bind (env HOST, default 0.0.0.0).") var host: String?
    @Option(help: "Port to bind (env PORT, default 8080).") var port: Int?
    @Option(help: "Site name shown in responses, logs and metrics (env SITE, default onprem).") var site: String?
    @Option(help: "Enable drill endpoints: true/false (env FAULT_INJECTION, default false).") var faultInjection: Bool?
    @Option(help: "Probability 0...1 of a 500 on GET / (env FAILURE_RATE, needs fault injection).") var failureRate: Double?

    func run() async throws {
        var configuration = try OnPremAPIConfiguration(environment: ProcessInfoEnvironment.snapshot())
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let site { configuration.site = site }
        if let faultInjection { configuration.faultInjectionEnabled = faultInjection }
        if let failureRate { configuration.failureRate = failureRate }
        do {
            try configuration.validate()
        } catch {
            throw ValidationError("invalid configuration: \(error)")
        }

        let site = configuration.site
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, metadata: ["site": .string(site)]) }
        let logger = Logger(label: "onprem-api")
        let dependencies = OnPremAPIDependencies(
            registry: PrometheusCollectorRegistry(),
            identity: .current(),
            crash: { _exit(70) },
            logger: logger
        )
        try await buildServiceGroup(configuration: configuration, dependencies: dependencies).run()
    }
}

/// Exit 0 when the local `/health` answers 200, 1 otherwise: the image's Docker `HEALTHCHECK`.
struct Healthcheck: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Probe the local /health endpoint (for Docker HEALTHCHECK).")

    @Option(help: "Port to probe (default: env PORT, else 8080).") var port: Int?
    @Option(help: "Numeric IPv4 address to probe.") var host: String = "127.0.0.1"
    @Option(help: "Seconds to wait for an answer.") var timeout: Int = 2

    func run() throws {
        let environmentPort = try EnvironmentReader(ProcessInfoEnvironment.snapshot()).int("PORT")
        do {
            try HealthProbe.check(host: host, port: port ?? environmentPort ?? 8080, timeoutSeconds: timeout)
        } catch {
            print("unhealthy: \(error)")
            throw ExitCode.failure
        }
    }
}
