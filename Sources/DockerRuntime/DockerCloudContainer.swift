import AsyncHTTPClient
import DockerEngine
import FailoverCore
import FailoverDaemon
import Logging
import RuntimeSpec

/// The cloud copy as a Docker container, managed through the Engine API.
///
/// A changed spec takes effect without disturbing a copy that serves: a standby (not running)
/// made from an older spec or image is made again at once; a running one keeps running, says
/// so in its snapshot, and is made again once it stopped.
public actor DockerCloudContainer: CloudRuntime {
    /// Label marking containers failoverd manages.
    public static let managedLabel = "io.failoverd.managed"
    /// Label holding the spec fingerprint the container was created from.
    public static let specLabel = "io.failoverd.spec"

    private let spec: ContainerSpec
    private let files: ContainerSpecFiles
    private let source: ImageSource
    private let connection: DockerConnection
    private let readyTimeout: Duration
    private let logger: Logger
    /// The image id the spec's reference named when last looked up; a container made from
    /// another one is outdated (a pull moved the tag).
    private var currentImageID: String?
    private let imageNames = ImageNames()

    /// Creates the adapter; nothing is contacted until the first call.
    public init(
        spec: ContainerSpec,
        image: ImagePullSettings = ImagePullSettings(),
        http: HTTPClient,
        socketPath: String,
        readyTimeout: Duration,
        logger: Logger
    ) {
        self.spec = spec
        self.files = ContainerSpecFiles(spec: spec)
        self.source = ImageSource(reference: spec.image, policy: image.policy, credentialsFile: image.registryAuthFile, timeout: image.timeout)
        self.connection = DockerConnection(http: http, sockets: [socketPath], logger: logger)
        self.readyTimeout = readyTimeout
        self.logger = logger
    }

    public nonisolated var runtimeName: String { "Docker" }

    public func observe() async throws(RuntimeFailure) -> RuntimeSnapshot {
        try await connection.run { docker throws(DockerError) in
            await snapshot(try await docker.inspectContainer(spec.name), docker)
        }
    }

    public func prepare() async throws(RuntimeFailure) -> RuntimeSnapshot {
        try await connection.run { docker throws(DockerError) in
            await snapshot(try await ensureCreated(docker), docker)
        }
    }

    public func fetchImage() async throws(RuntimeFailure) -> String {
        try await connection.run { docker throws(DockerError) in
            let (image, account) = try await source.fetch(docker)
            currentImageID = image.id
            await imageNames.learn(image, reference: spec.image)
            return account
        }
    }

    public func start() async throws(RuntimeFailure) -> RuntimeSnapshot {
        try await connection.run { docker throws(DockerError) in
            let container = try await ensureCreated(docker)
            if !container.state.running { try await deliverSecrets(docker, to: container) }
            try await docker.startContainer(id: container.id)
            return try await waitUntilReady(docker, id: container.id)
        }
    }

    public func stop() async throws(RuntimeFailure) -> RuntimeSnapshot {
        try await connection.run { docker throws(DockerError) in
            guard let container = try await docker.inspectContainer(spec.name) else {
                return RuntimeSnapshot.missing
            }
            try await docker.stopContainer(id: container.id, timeoutSeconds: spec.stopTimeoutSeconds)
            return await snapshot(try await docker.inspectContainer(container.id), docker)
        }
    }

    public func watch(
        onSubscribed: @escaping @Sendable () async -> Void,
        onChange: @escaping @Sendable () async -> Void
    ) async throws(RuntimeFailure) {
        try await connection.run { docker throws(DockerError) in
            try await docker.followEvents(filters: ["type": ["container"], "container": [spec.name]], subject: spec.name, onOpen: onSubscribed) {
                action in
                // A HEALTHCHECK runs an exec every interval; those events say nothing about
                // whether the container runs (its health_status events do).
                guard !action.hasPrefix("exec_") else { return }
                await onChange()
            }
        }
    }

    /// Whether `container` was made from the current spec (its environment file read now) and
    /// image. An environment file that cannot be read says nothing here; the next start says why.
    private func isCurrent(_ container: ContainerInspection) -> Bool {
        let specCurrent = (try? files.resolved()).map { container.labels[Self.specLabel] == $0.fingerprint } ?? true
        let imageCurrent = currentImageID.map { container.imageID == $0 } ?? true
        return specCurrent && imageCurrent
    }

    /// Returns the existing container, re-creating it when it was made from an older spec or
    /// image and it is not running (a running copy is never pulled from under traffic).
    private func ensureCreated(_ docker: DockerClient) async throws(DockerError) -> ContainerInspection {
        let resolved = try files.resolved()
        if let image = try await docker.inspectImage(spec.image) { currentImageID = image.id }
        if let existing = try await docker.inspectContainer(spec.name) {
            let current = isCurrent(existing)
            if current || existing.state.running {
                if !current {
                    logger.warning(
                        "cloud container runs an outdated spec; it is re-created at its next stop",
                        metadata: ["container.id": .string(existing.id)]
                    )
                }
                return existing
            }
            logger.notice("re-creating cloud container: configuration or image changed", metadata: ["container.id": .string(existing.id)])
            try await docker.removeContainer(id: existing.id)
        }
        let id = try await docker.createContainer(
            spec,
            environment: resolved.environment,
            labels: [Self.managedLabel: "true", Self.specLabel: resolved.fingerprint]
        )
        logger.notice("cloud container created", metadata: ["container.id": .string(id), "container.image": .string(spec.image)])
        guard let created = try await docker.inspectContainer(id) else {
            throw DockerError(kind: .api, call: "GET /containers/{id}/json", container: id, message: "vanished right after create")
        }
        return created
    }

    /// Writes the secrets into the stopped container as `/run/secrets/NAME`, mode 0400, owned by
    /// its user (resolved with the container's own passwd), read from their files now.
    private func deliverSecrets(_ docker: DockerClient, to container: ContainerInspection) async throws(DockerError) {
        let secrets = try files.secrets()
        guard !secrets.isEmpty else { return }
        let owner = try await docker.resolveUser(container.user, inContainer: container.id)
        let entries =
            [TarArchive.Entry.directory("run/secrets", mode: 0o500, owner: owner)]
            + secrets.map { TarArchive.Entry.file("run/secrets/\($0.name)", mode: 0o400, owner: owner, contents: $0.contents) }
        try await docker.putArchive(container: container.id, at: "/", archive: TarArchive.write(entries))
    }

    /// Polls until running (and healthy when a health check exists); fails fast if it exits.
    private func waitUntilReady(_ docker: DockerClient, id: String) async throws(DockerError) -> RuntimeSnapshot {
        let deadline = ContinuousClock.now + readyTimeout
        while true {
            guard let container = try await docker.inspectContainer(id) else {
                throw DockerError(kind: .api, call: "wait for ready", container: id, message: "container disappeared while starting")
            }
            let ready = container.state.running && (container.state.health == nil || container.state.health == "healthy")
            if ready { return await snapshot(container, docker) }
            if !container.state.running && container.state.status != "created" {
                throw DockerError(
                    kind: .api,
                    call: "wait for ready",
                    container: id,
                    message: "container \(container.state.status) with exit code \(container.state.exitCode) while starting"
                )
            }
            if ContinuousClock.now >= deadline {
                throw DockerError(
                    kind: .timeout,
                    call: "wait for ready",
                    container: id,
                    message: "not ready within \(readyTimeout) (\(Self.describe(container.state)))"
                )
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Running and serving only once healthy, where there is a health check; a standby made from
    /// an older spec or image is outdated.
    private func snapshot(_ container: ContainerInspection?, _ docker: DockerClient) async -> RuntimeSnapshot {
        guard let container else { return .missing }
        let current = isCurrent(container)
        let healthy = container.state.health == nil || container.state.health == "healthy"
        let actual: ActualState =
            if container.state.running { healthy ? .running : .notReady } else { current ? .stopped : .outdated }
        var snapshot = RuntimeSnapshot(id: container.id, actual: actual, status: Self.describe(container.state), health: container.state.health)
        snapshot.image = await imageNames.name(of: container.imageID, reference: spec.image, docker)
        snapshot.pendingSpecChange = container.state.running && !current
        return snapshot
    }

    /// Docker's status word, with why a running copy is not healthy yet.
    static func describe(_ state: ContainerInspection.State) -> String {
        guard state.running, let health = state.health, health != "healthy" else { return state.status }
        return "\(state.status), health \(health)" + (state.lastHealthOutput.map { ": \($0)" } ?? "")
    }
}
