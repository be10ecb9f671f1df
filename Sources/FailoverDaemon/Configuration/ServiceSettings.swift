import FailoverCore
import RuntimeSpec
import ServiceSupport

/// The keys one service sets for itself: what triggers it, how long it holds the cloud copy,
/// its stop budget and what runs the copy. The listener, authentication, Docker socket and
/// Alertmanager are the daemon's and shared by every service.
public struct ServiceSettings: Sendable, Equatable {
    /// Trigger selectors in Alertmanager matcher syntax; any match makes an alert a trigger.
    public var triggers = [#"alertname="OnPremDown""#]
    /// Pre-warm selectors: alerts that start the cloud copy before on-prem is confirmed down.
    public var prewarmTriggers = [#"alertname="OnPremDownSuspected""#]
    /// Time with no firing trigger before the cloud copy stops.
    public var holdDown: Duration = .seconds(120)
    /// The hold-down when only pre-warm triggers fired.
    public var prewarmHoldDown: Duration = .seconds(30)
    /// Stop budget: at most this many stops per window.
    public var maximumStopsPerWindow = 3
    /// Stop budget window.
    public var stopBudgetWindow: Duration = .seconds(3600)
    /// Most trigger alerts tracked at once.
    public var maximumTrackedAlerts = 10_000
    /// Longest a start waits for the copy to be running and healthy.
    public var readyTimeout: Duration = .seconds(30)
    /// What runs the cloud copy: `container` (one container on this host) or `swarm` (a
    /// Docker Swarm service of `swarmReplicas` replicas, each made from `container`).
    public var target = CloudTarget.container
    /// Replicas of the Swarm service while failed over.
    public var swarmReplicas = 1
    /// Other swarm managers' Docker sockets, asked in order when the one in use cannot answer
    /// (its node is lost); empty: the daemon's Docker socket alone.
    public var swarmManagers: [String] = []
    /// The cloud container; with a Swarm target, each replica's container and the service's name.
    public var container = ContainerSpec(name: "cloud-api", image: "", environment: ["SITE=cloud"])
    /// When and how the container's image is pulled.
    public var imagePull = ImagePullSettings()
    /// failoverd's own probe of on-prem, a pre-warm faster than Prometheus'; off by default.
    public var probe = ProbeSettings()
    /// `observe` withholds every action on the cloud copy and says what it would have been.
    public var mode = FailoverMode.act

    /// All defaults.
    public init() {}

    /// The engine policy these settings describe.
    public func policy() throws(ConfigurationError) -> FailoverPolicy {
        func selectors(_ matchers: [String], key: String) throws(ConfigurationError) -> [AlertSelector] {
            var selectors: [AlertSelector] = []
            for matcher in matchers {
                do {
                    selectors.append(try AlertSelector(parsing: matcher))
                } catch {
                    throw ConfigurationError(key: key, problem: "\(error)")
                }
            }
            return selectors
        }
        return FailoverPolicy(
            triggers: try selectors(triggers, key: "triggers"),
            prewarmTriggers: try selectors(prewarmTriggers, key: "prewarm_triggers"),
            holdDown: holdDown.inSeconds,
            // A pre-warm never holds the cloud copy longer than a confirmed failover would.
            prewarmHoldDown: min(prewarmHoldDown, holdDown).inSeconds,
            maximumStopsPerWindow: maximumStopsPerWindow,
            stopBudgetWindow: stopBudgetWindow.inSeconds,
            maximumTrackedAlerts: maximumTrackedAlerts,
            observeOnly: mode == .observe
        )
    }

    /// Rules between keys: the container's parts, the image's, the target's, the probe's.
    func validateRules() throws(ConfigurationError) {
        try probe.validate()
        do {
            try container.validateParts()
        } catch {
            throw ConfigurationError(key: "container.\(error.part)", problem: error.problem)
        }
        guard imagePull.policy == .never || ImageReference(parsing: container.image) != nil else {
            throw ConfigurationError(
                key: "container.image",
                problem:
                    "'\(container.image)' is not an image reference a registry serves ([registry/]name[:tag][@sha256:digest], lower case); fix it, or set container.pull: never for a local name"
            )
        }
        guard target == .swarm || swarmManagers.isEmpty else {
            throw ConfigurationError(key: "swarm.managers", problem: "other managers only serve a swarm target; set target: swarm or remove them")
        }
        for manager in swarmManagers where !manager.hasPrefix("/") && !manager.hasPrefix("unix:///") {
            throw ConfigurationError(
                key: "swarm.managers",
                problem: "'\(manager)' is not an absolute path to a Docker socket (unix:///path or /path)"
            )
        }
        guard target != .swarm || container.ports.isEmpty else {
            throw ConfigurationError(
                key: "container.ports",
                problem: "a swarm target publishes no ports (that needs swarm's routing mesh); use network_mode host or an overlay network"
            )
        }
        guard container.networkMode != "host" || container.ports.isEmpty else {
            throw ConfigurationError(
                key: "container.ports",
                problem: "host networking publishes no ports: the copy binds the host's ports itself; remove them, or set network_mode: bridge"
            )
        }
    }

    /// The Docker sockets of a swarm target's managers, the daemon's first, each once.
    public func swarmManagerSockets(first dockerSocket: String) -> [String] {
        var sockets = [dockerSocket]
        for manager in swarmManagers {
            let path = manager.hasPrefix("unix://") ? String(manager.dropFirst("unix://".count)) : manager
            if !sockets.contains(path) { sockets.append(path) }
        }
        return sockets
    }

    /// The longest a healthy convergence of this service can take: a start waiting for health,
    /// or a stop with Docker's grace period.
    var slowestAction: Duration { readyTimeout + .seconds(container.stopTimeoutSeconds) }
}
