import AsyncHTTPClient
import DockerEngine
import FailoverCore
import FailoverDaemon
import Logging
import RuntimeSpec
import ServiceSupport

/// The cloud copy as a Docker Swarm service: failing over scales it from 0 to N replicas, and
/// swarm spreads them over its nodes and restarts those that exit. Its secrets are Swarm
/// secrets, one per content (named by its SHA-256, which only reveals to Docker API users what
/// they could read in a replica anyway), removed once no service of this name uses them.
public actor DockerSwarmService: CloudRuntime {
    /// Label naming the service a secret was made for.
    static let secretServiceLabel = "io.failoverd.service"

    private let spec: SwarmServiceSpec
    private let files: ContainerSpecFiles
    private let source: ImageSource
    private let imageNames = ImageNames()
    private let connection: DockerConnection
    private let readyTimeout: Duration
    private let logger: Logger
    /// Whether snapshots name the manager that answered (there is more than one).
    private let reportsManager: Bool

    /// Creates the adapter; nothing is contacted until the first call. `sockets` are the
    /// managers' Docker sockets, asked in order when the one in use is lost.
    public init(
        spec: SwarmServiceSpec,
        image: ImagePullSettings = ImagePullSettings(),
        http: HTTPClient,
        sockets: [String],
        readyTimeout: Duration,
        logger: Logger
    ) {
        self.spec = spec
        self.files = ContainerSpecFiles(spec: spec.container)
        self.source = ImageSource(
            reference: spec.container.image,
            policy: image.policy,
            credentialsFile: image.registryAuthFile,
            timeout: image.timeout
        )
        self.connection = DockerConnection(http: http, sockets: sockets, logger: logger)
        self.reportsManager = sockets.count > 1
        self.readyTimeout = readyTimeout
        self.logger = logger
    }

    public nonisolated var runtimeName: String { "Docker Swarm" }

    public func observe() async throws(RuntimeFailure) -> RuntimeSnapshot {
        try await naming(
            connection.run { docker throws(DockerError) in
                try await snapshot(docker, of: try await docker.inspectService(spec.name))
            }
        )
    }

    public func prepare() async throws(RuntimeFailure) -> RuntimeSnapshot {
        try await naming(
            connection.run { docker throws(DockerError) in
                try await snapshot(docker, of: try await ensureCreated(docker))
            }
        )
    }

    public func fetchImage() async throws(RuntimeFailure) -> String {
        try await connection.run { docker throws(DockerError) in
            let (image, account) = try await source.fetch(docker)
            await imageNames.learn(image, reference: spec.container.image)
            return account
        }
    }

    public func start() async throws(RuntimeFailure) -> RuntimeSnapshot {
        try await naming(
            connection.run { docker throws(DockerError) in
                let service = try await ensureCreated(docker)
                try await docker.scaleService(service.id, replicas: spec.replicas)
                return try await waitFor(docker, service: service.id, within: readyTimeout, what: "\(spec.replicas) replicas running") {
                    $0.actual == .running
                }
            }
        )
    }

    public func stop() async throws(RuntimeFailure) -> RuntimeSnapshot {
        try await naming(
            connection.run { docker throws(DockerError) in
                guard let service = try await docker.inspectService(spec.name) else { return RuntimeSnapshot.missing }
                try await docker.scaleService(service.id, replicas: 0)
                // Swarm stops each task with the stop grace period before SIGKILL.
                let grace = Duration.seconds(spec.container.stopTimeoutSeconds) + .seconds(10)
                return try await waitFor(docker, service: service.id, within: grace, what: "every replica stopped") {
                    $0.actual == .stopped
                }
            }
        )
    }

    /// The snapshot, saying which manager answered when there are several (status, /status, metrics).
    private func naming(_ snapshot: RuntimeSnapshot) -> RuntimeSnapshot {
        guard reportsManager else { return snapshot }
        var named = snapshot
        named.status += " (manager \(connection.socket))"
        named.answeredBy = connection.socket
        return named
    }

    public func watch(
        onSubscribed: @escaping @Sendable () async -> Void,
        onChange: @escaping @Sendable () async -> Void
    ) async throws(RuntimeFailure) {
        try await connection.run { docker throws(DockerError) in
            // The replicas' containers carry their service's name as a label; a replica that
            // dies is seen at once, and swarm's own restart shows up as its start.
            try await docker.followEvents(
                filters: ["type": ["container"], "label": ["com.docker.swarm.service.name=\(spec.name)"]],
                subject: spec.name,
                onOpen: onSubscribed
            ) { action in
                guard !action.hasPrefix("exec_") else { return }
                await onChange()
            }
        }
    }

    /// What the service is made from now: the image id its reference names, the environment
    /// file read in, the secrets with their content-named swarm names, and the fingerprint of all.
    private struct Wanted {
        let imageID: String
        let environment: [String]
        let secrets: [(swarmName: String, fileName: String, contents: [UInt8])]
        let fingerprint: String
    }

    private func wanted(_ docker: DockerClient) async throws(DockerError) -> Wanted {
        guard let imageID = try await docker.imageID(spec.container.image) else {
            throw DockerError(
                kind: .imageMissing,
                call: "GET /images/{name}/json",
                container: spec.name,
                status: 404,
                message: "image '\(spec.container.image)' is not on this host; load it (docker load) or let failoverd pull it (container.pull)"
            )
        }
        var resolved = spec
        resolved.container = try files.resolved()
        let secrets = try files.secrets().map { secret in
            (swarmName: "\(spec.name)_\(secret.name)_\(SHA256.hex(secret.contents).prefix(12))", fileName: secret.name, contents: secret.contents)
        }
        return Wanted(
            imageID: imageID,
            environment: resolved.container.environment,
            secrets: secrets,
            fingerprint: resolved.fingerprint(imageID: imageID, secretNames: secrets.map(\.swarmName))
        )
    }

    /// Returns the existing service, re-creating it when what it was created from changed and
    /// it is scaled to zero (running replicas are never pulled from under traffic).
    private func ensureCreated(_ docker: DockerClient) async throws(DockerError) -> ServiceInspection {
        let wanted = try await wanted(docker)
        if let existing = try await docker.inspectService(spec.name) {
            let current = existing.labels[DockerCloudContainer.specLabel] == wanted.fingerprint
            if current || existing.replicas != 0 {
                if !current {
                    logger.warning(
                        "swarm service runs an outdated spec; it is re-created at its next scale to zero",
                        metadata: ["swarm.service_id": .string(existing.id)]
                    )
                }
                return existing
            }
            logger.notice("re-creating swarm service: configuration changed", metadata: ["swarm.service_id": .string(existing.id)])
            try await docker.removeService(existing.id)
        }
        let secrets = try await createSecrets(wanted, docker)
        let labels = [DockerCloudContainer.managedLabel: "true", DockerCloudContainer.specLabel: wanted.fingerprint]
        let id = try await docker.createService(spec, imageID: wanted.imageID, environment: wanted.environment, secrets: secrets, labels: labels)
        logger.notice("swarm service created at 0 replicas", metadata: ["swarm.service_id": .string(id), "container.image": .string(wanted.imageID)])
        try await removeUnusedSecrets(keeping: Set(wanted.secrets.map(\.swarmName)), docker)
        guard let created = try await docker.inspectService(id) else {
            throw DockerError(kind: .api, call: "GET /services/{id}", container: id, message: "vanished right after create")
        }
        return created
    }

    /// The swarm secrets for `wanted`, made where missing, each owned in the replicas by the
    /// container's user: Swarm takes numbers only, so a user by name is looked up in the image.
    private func createSecrets(_ wanted: Wanted, _ docker: DockerClient) async throws(DockerError) -> [SecretReference] {
        guard !wanted.secrets.isEmpty else { return [] }
        let owner = try await secretOwner(imageID: wanted.imageID, docker)
        var references: [SecretReference] = []
        for secret in wanted.secrets {
            let id = try await docker.createSecret(
                name: secret.swarmName,
                contents: secret.contents,
                labels: [DockerCloudContainer.managedLabel: "true", Self.secretServiceLabel: spec.name]
            )
            references.append(SecretReference(secretID: id, secretName: secret.swarmName, fileName: secret.fileName, uid: owner.uid, gid: owner.gid))
        }
        return references
    }

    /// Removes this service's secrets of older contents; one a service still uses stays.
    private func removeUnusedSecrets(keeping kept: Set<String>, _ docker: DockerClient) async throws(DockerError) {
        for secret in try await docker.secrets(labeled: [Self.secretServiceLabel: spec.name]) where !kept.contains(secret.name) {
            if try await docker.removeSecret(id: secret.id) {
                logger.info("removed a swarm secret of an older content", metadata: ["swarm.secret": .string(secret.name)])
            }
        }
    }

    /// The numeric owner of the secrets: the spec's user, else the image's, resolved with the
    /// image's passwd and group files (read from a container made and removed for it) when it
    /// names one.
    private func secretOwner(imageID: String, _ docker: DockerClient) async throws(DockerError) -> ContainerUser {
        let user = spec.container.user.isEmpty ? (try await docker.inspectImage(imageID)?.user ?? "") : spec.container.user
        guard ContainerUser.needsImageFiles(user) else { return try await docker.resolveUser(user, inContainer: "") }
        var probe = ContainerSpec(name: "\(spec.name)-user-lookup-\(UInt32.random(in: 0...UInt32.max))", image: imageID, networkMode: "none")
        probe.user = user
        let id = try await docker.createContainer(probe)
        do {
            let owner = try await docker.resolveUser(user, inContainer: id)
            try await docker.removeContainer(id: id)
            return owner
        } catch {
            try? await docker.removeContainer(id: id)
            throw error
        }
    }

    /// Polls the service's tasks until `done` holds, or fails naming the newest task error.
    private func waitFor(
        _ docker: DockerClient,
        service id: String,
        within limit: Duration,
        what: String,
        done: (RuntimeSnapshot) -> Bool
    ) async throws(DockerError) -> RuntimeSnapshot {
        let deadline = ContinuousClock.now + limit
        while true {
            guard let service = try await docker.inspectService(id) else {
                throw DockerError(kind: .api, call: "wait for \(what)", container: spec.name, message: "service disappeared")
            }
            let tasks = try await docker.tasks(ofService: service.id)
            let current = Self.snapshot(service, tasks: tasks, wanted: try await placeable(docker))
            if done(current) { return current }
            if ContinuousClock.now >= deadline {
                let newestError = tasks.filter { $0.error != nil }.max { $0.updatedAt < $1.updatedAt }?.error
                throw DockerError(
                    kind: .timeout,
                    call: "wait for \(what)",
                    container: spec.name,
                    message: "not within \(limit) (\(current.status))" + (newestError.map { "; newest task error: \($0)" } ?? "")
                )
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The service's snapshot, outdated when scaled to zero and made from an older spec, image
    /// or secret (a spec that cannot be worked out now says nothing here; the next start says why).
    private func snapshot(_ docker: DockerClient, of service: ServiceInspection?) async throws(DockerError) -> RuntimeSnapshot {
        guard let service else { return .missing }
        var snapshot = Self.snapshot(service, tasks: try await docker.tasks(ofService: service.id), wanted: try await placeable(docker))
        let current = (try? await wanted(docker)).map { service.labels[DockerCloudContainer.specLabel] == $0.fingerprint } ?? true
        if !current {
            if snapshot.actual == .stopped { snapshot.actual = .outdated } else { snapshot.pendingSpecChange = true }
        }
        if let imageID = service.imageID { snapshot.image = await imageNames.name(of: imageID, reference: spec.container.image, docker) }
        return snapshot
    }

    /// The replicas swarm can run now: on the host network one per node, so a node that is
    /// lost or drained lowers what counts as running instead of holding a failover forever.
    private func placeable(_ docker: DockerClient) async throws(DockerError) -> Int {
        guard spec.container.networkMode == "host" else { return spec.replicas }
        return Self.placeable(replicas: spec.replicas, availableNodes: try await docker.availableNodes())
    }

    /// At most one replica per available node, and never less than one.
    static func placeable(replicas: Int, availableNodes: Int) -> Int {
        max(1, min(replicas, availableNodes))
    }

    /// Running when at least `wanted` replicas serve, stopped when scaled to zero with nothing
    /// left running, scaling in between.
    static func snapshot(_ service: ServiceInspection, tasks: [TaskSummary], wanted: Int) -> RuntimeSnapshot {
        let serving = tasks.filter(\.isServing).count
        let running = tasks.filter { $0.state == "running" }.count
        let replicas = service.replicas ?? 0
        let actual: ActualState =
            if replicas == 0 && running == 0 { .stopped } else if replicas >= wanted && serving >= wanted { .running } else { .notReady }
        let placeable = replicas > wanted ? ", \(wanted) placeable (one per available node)" : ""
        return RuntimeSnapshot(id: service.id, actual: actual, status: "\(serving)/\(replicas) replicas running" + placeable)
    }
}
