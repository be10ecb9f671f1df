import AsyncHTTPClient
import FailoverCore
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import Prometheus
import RuntimeSpec
import ServiceLifecycle

/// What a failoverd process is built from; tests supply their own runtime and registry.
public struct FailoverdDependencies: Sendable {
    /// The cloud runtime adapter of each managed service (Docker in production), logging
    /// with the service's logger.
    public var runtime: @Sendable (ManagedService, Logger) -> any CloudRuntime
    /// Registry served on `/metrics`.
    public var registry: PrometheusCollectorRegistry
    /// Logger for everything.
    public var logger: Logger
    /// Called once the listener accepts, after state is loaded (systemd READY=1).
    public var onReady: @Sendable () -> Void
    /// Called with every new one-line status (systemd STATUS=).
    public var onStatus: @Sendable (String) -> Void
    /// systemd's watchdog, when the unit sets `WatchdogSec=`.
    public var watchdog: WatchdogHook?
    /// Time; tests pass a clock they advance.
    public var clock: any DaemonClock
    /// Loads the configuration again, as at startup; when set, SIGHUP reloads it. Without it a
    /// reload re-reads only the token and certificate files.
    public var reloadConfiguration: (@Sendable () throws -> FailoverdConfiguration)?

    /// Creates the dependencies.
    public init(
        runtime: @escaping @Sendable (ManagedService, Logger) -> any CloudRuntime,
        registry: PrometheusCollectorRegistry,
        logger: Logger,
        onReady: @escaping @Sendable () -> Void = {},
        onStatus: @escaping @Sendable (String) -> Void = { _ in },
        watchdog: WatchdogHook? = nil,
        clock: any DaemonClock = SystemDaemonClock(),
        reloadConfiguration: (@Sendable () throws -> FailoverdConfiguration)? = nil
    ) {
        self.runtime = runtime
        self.registry = registry
        self.logger = logger
        self.onReady = onReady
        self.onStatus = onStatus
        self.watchdog = watchdog
        self.clock = clock
        self.reloadConfiguration = reloadConfiguration
    }
}

/// How to keep a service manager's watchdog fed: call `ping` every `interval`.
public struct WatchdogHook: Sendable {
    /// Time between pings (half the watchdog timeout).
    public var interval: Duration
    /// Sends one keep-alive (systemd `WATCHDOG=1`).
    public var ping: @Sendable () -> Void

    /// Creates the hook.
    public init(interval: Duration, ping: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.ping = ping
    }
}

/// A built daemon: its services' controllers, its reloader and the application serving it.
public struct Failoverd<App: ApplicationProtocol>: Sendable {
    /// Every managed service and its decision actor.
    public let fleet: ServiceFleet
    /// The first service's decision actor: the only one without `services:`.
    public var controller: FailoverController { fleet.members[0].controller }
    /// Applies a changed configuration (SIGHUP).
    public let reloader: ConfigurationReloader
    /// The HTTP application with the reconcile loop attached.
    public let application: App
}

/// Builds the daemon from a validated configuration and token. State is loaded and the
/// container pre-created before the listener accepts, so readiness means ready.
public func buildFailoverd(
    configuration: FailoverdConfiguration,
    token: String,
    dependencies: FailoverdDependencies
) async throws -> Failoverd<some ApplicationProtocol> {
    let metrics = DaemonMetrics(registry: dependencies.registry)
    let namesServices = configuration.listsServices
    let statusLine = StatusLineCombiner(names: configuration.managedServices.map(\.name), publish: dependencies.onStatus)
    var services: [any Service] = []
    var deciders: [ServiceDecider] = []
    for service in configuration.managedServices {
        deciders.append(
            try makeDecider(for: service, named: namesServices, configuration: configuration, metrics: metrics, dependencies: dependencies)
        )
    }
    // One question to Alertmanager per interval for every service: the union of their triggers,
    // each controller taking the alerts that trigger it.
    let sync =
        configuration.alertmanager.isEnabled
        ? AlertmanagerSync(
            peers: AlertmanagerPeers(settings: configuration.alertmanager, selectors: deciders.flatMap(\.policy.allTriggers).uniqued()),
            controllers: deciders.map(\.member.controller),
            metrics: metrics,
            logger: dependencies.logger,
            clock: dependencies.clock
        ) : nil
    let initialView = await sync?.initialView()
    for decider in deciders {
        services += try await decider.start(
            alertmanagerView: initialView,
            sync: sync,
            onStatus: namesServices ? statusLine.observer(for: decider.member.name) : dependencies.onStatus,
            configuration: configuration
        )
    }
    if let sync { services.append(AlertmanagerSyncService(sync: sync, interval: configuration.alertmanager.interval)) }
    let members = deciders.map(\.member)
    let fleet = ServiceFleet(members: members, namesServices: namesServices)

    let authenticator = WebhookAuthenticator(token: token, basicUsername: configuration.basicAuthUsername)
    let tls = try configuration.tlsCredentials().map(LiveTLSCredentials.init)
    let clientAuthorities = try configuration.tlsClientCertificateAuthorities()
    let reloads = ReloadTally()
    let reloader = ConfigurationReloader(
        running: configuration,
        load: dependencies.reloadConfiguration ?? { configuration },
        authenticator: authenticator,
        tls: tls,
        fleet: fleet,
        metrics: metrics,
        tally: reloads,
        logger: dependencies.logger,
        clock: dependencies.clock
    )
    if dependencies.reloadConfiguration != nil {
        services.append(ReloadService(reloader: reloader))
    }

    let router = Router(context: BasicRequestContext.self)
    FailoverdRoutes(
        fleet: fleet,
        authenticator: authenticator,
        metrics: metrics,
        maximumBodyBytes: configuration.maximumBodyBytes,
        replyDeadline: configuration.replyDeadline,
        metricsRequireToken: configuration.metricsRequireToken,
        reloads: reloads
    ).register(on: router)

    HeapTrimService.limitArenas()
    services.append(HeapTrimService())
    if let hook = dependencies.watchdog {
        services.append(
            WatchdogService(
                controllers: members.map(\.controller),
                hook: hook,
                convergenceLimit: configuration.convergenceLimit,
                logger: dependencies.logger
            )
        )
    }
    let logger = dependencies.logger
    let onReady = dependencies.onReady
    // Every connection must deliver a whole request within the request timeout (which also
    // closes idle keep-alive connections), and at most max_connections are open, so slow or stuck
    // clients cannot pile up and take the descriptors Alertmanager's webhooks need.
    let requestTimeout = TimeAmount(configuration.requestTimeout)
    let http1: HTTPServerBuilder = .http1(
        configuration: .init(additionalChannelHandlers: [RequestDeadlineHandler(deadline: requestTimeout)], idleTimeout: nil)
    )
    let server =
        try tls.map {
            try HTTPServerBuilder.tls(
                http1,
                tlsConfiguration: $0.serverConfiguration(minimumVersion: configuration.tlsMinimumVersion, clientAuthorities: clientAuthorities)
            )
        }
        ?? http1
    let application = Application(
        router: router,
        server: server,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "failoverd",
            // An alert storm arrives all at once; the default backlog of 256 would refuse some.
            backlog: 2048,
            availableConnectionsDelegate: MaximumAvailableConnections(configuration.maximumConnections)
        ),
        services: services,
        onServerRunning: { channel in
            logger.info("listening", metadata: ["address": .string(channel.localAddress?.description ?? "unknown")])
            onReady()
        },
        logger: logger
    )
    return Failoverd(fleet: fleet, reloader: reloader, application: application)
}

/// One service's controller and runtime, before anything is decided. With `named`, its logs,
/// metrics and state directory carry its name.
private func makeDecider(
    for service: ManagedService,
    named: Bool,
    configuration: FailoverdConfiguration,
    metrics: DaemonMetrics,
    dependencies: FailoverdDependencies
) throws -> ServiceDecider {
    var logger = dependencies.logger
    if named { logger[metadataKey: "service"] = .string(service.name) }
    let runtime = dependencies.runtime(service, logger)
    let policy = try service.settings.policy()
    let serviceMetrics = metrics.service(named ? service.name : nil)
    let controller = FailoverController(
        policy: policy,
        runtime: runtime,
        // Each of several services keeps its state in its own directory; a single one where it
        // always has.
        store: StateStore(directory: configuration.stateDirectory + (named ? "/\(service.name)" : "")),
        metrics: serviceMetrics,
        logger: logger,
        clock: dependencies.clock,
        maximumRestartDelay: configuration.maximumBackoff
    )
    let probe = service.settings.probe.isEnabled ? service.settings.probe : nil
    let prober = probe.map {
        OnPremProbeService(settings: $0, controller: controller, metrics: serviceMetrics, logger: logger, clock: dependencies.clock)
    }
    return ServiceDecider(
        member: ServiceFleet.Member(name: service.name, controller: controller),
        runtime: runtime,
        policy: policy,
        metrics: serviceMetrics,
        probe: prober,
        logger: logger
    )
}

/// A service's controller with what starting it needs.
private struct ServiceDecider {
    let member: ServiceFleet.Member
    let runtime: any CloudRuntime
    let policy: FailoverPolicy
    let metrics: DaemonMetrics
    /// failoverd's own probe of on-prem, when the service has one.
    let probe: OnPremProbeService?
    let logger: Logger

    /// Bootstraps the controller (state restored, Alertmanager's view applied, the target
    /// prepared) and returns the loops that keep it current: reconcile, runtime events and the
    /// probe. A webhook that disagrees with its state asks Alertmanager again, for every service.
    func start(
        alertmanagerView: AlertmanagerView?,
        sync: AlertmanagerSync?,
        onStatus: @escaping @Sendable (String) -> Void,
        configuration: FailoverdConfiguration
    ) async throws -> [any Service] {
        let controller = member.controller
        await controller.bootstrap(alertmanagerView: alertmanagerView)
        if let sync { await controller.onDisagreement { Task { await sync.sync() } } }
        await controller.onStatusChange(onStatus)
        var loops: [any Service] = [
            ReconcileService(controller: controller, interval: configuration.reconcileInterval, maximumBackoff: configuration.maximumBackoff)
        ]
        if configuration.followRuntimeEvents {
            loops.append(RuntimeWatchService(controller: controller, runtime: runtime, maximumBackoff: configuration.maximumBackoff, logger: logger))
        }
        if let probe { loops.append(probe) }
        loops.append(
            ImageFetchService(
                controller: controller,
                runtime: runtime,
                maximumBackoff: configuration.maximumBackoff,
                metrics: metrics,
                logger: logger
            )
        )
        return loops
    }
}

extension Array where Element: Equatable {
    /// The elements in order, each once.
    fileprivate func uniqued() -> [Element] {
        reduce(into: []) { kept, element in
            if !kept.contains(element) { kept.append(element) }
        }
    }
}
