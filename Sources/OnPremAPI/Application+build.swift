import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The collaborators an `onprem-api` process is built from; tests pass their own.
public struct OnPremAPIDependencies: Sendable {
    /// Registry served on `/metrics`.
    public var registry: PrometheusCollectorRegistry
    /// Host name and version reported.
    public var identity: ProcessIdentity
    /// What `POST /kill` calls.
    public var crash: FaultInjector.Crash
    /// Random source for `FAILURE_RATE`.
    public var randomUnit: @Sendable () -> Double
    /// Logger for requests and lifecycle events.
    public var logger: Logger

    /// Creates the set of collaborators.
    public init(
        registry: PrometheusCollectorRegistry,
        identity: ProcessIdentity,
        crash: @escaping FaultInjector.Crash,
        randomUnit: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger
    ) {
        self.registry = registry
        self.identity = identity
        self.crash = crash
        self.randomUnit = randomUnit
        self.logger = logger
    }
}

/// Builds the HTTP application and its drain service from a validated configuration.
///
/// `state` is shared so callers (and tests) can observe or trigger draining.
public func buildApplication(
    configuration: OnPremAPIConfiguration,
    dependencies: OnPremAPIDependencies,
    state: ServingState = ServingState()
) -> some ApplicationProtocol {
    let metrics = APIMetrics(registry: dependencies.registry, site: configuration.site, version: dependencies.identity.version)
    let faults = FaultInjector(
        enabled: configuration.faultInjectionEnabled,
        failureRate: configuration.failureRate,
        crash: dependencies.crash,
        randomUnit: dependencies.randomUnit
    )
    let router = Router(context: APIRequestContext.self)
    router.add(middleware: ObservabilityMiddleware(metrics: metrics))
    router.addServiceRoutes(configuration: configuration, identity: dependencies.identity, state: state, metrics: metrics, faults: faults)
    router.addFaultRoutes(faults: faults)

    let logger = dependencies.logger
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "onprem-api"),
        onServerRunning: { channel in
            logger.info("listening", metadata: ["address": .string(channel.localAddress?.description ?? "unknown")])
        },
        logger: logger
    )
}

/// Builds the whole process: the HTTP server plus the drain step, with SIGTERM/SIGINT as graceful
/// shutdown signals and a hard bound on how long shutdown may take.
public func buildServiceGroup(
    configuration: OnPremAPIConfiguration,
    dependencies: OnPremAPIDependencies,
    state: ServingState = ServingState()
) -> ServiceGroup {
    let application = buildApplication(configuration: configuration, dependencies: dependencies, state: state)
    let drain = DrainService(state: state, drain: configuration.shutdownDrain, logger: dependencies.logger)
    var groupConfiguration = ServiceGroupConfiguration(
        services: [.init(service: application), .init(service: drain)],
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: dependencies.logger
    )
    groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownTimeout
    return ServiceGroup(configuration: groupConfiguration)
}
