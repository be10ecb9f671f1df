import AsyncHTTPClient
import DockerEngine
import FailoverCore
import Logging

/// The cloud copy as a Docker container, managed through the Engine API.
public actor DockerCloudContainer: CloudRuntime {
    /// Label marking containers failoverd manages.
    public static let managedLabel = "io.failoverd.managed"
    /// Label holding the spec fingerprint the container was created from.
    public static let specLabel = "io.failoverd.spec"

    private let spec: ContainerSpec
    private let connection: DockerConnection
    private let readyTimeout: Duration
    private let logger: Logger

    /// Creates the adapter; nothing is contacted until the first call.
    public init(spec: ContainerSpec, http: HTTPClient, socketPath: String, readyTimeout: Duration, logger: Logger) {
        self.spec = spec
        self.connection = DockerConnection(http: http, sockets: [socketPath], logger: logger)
        self.readyTimeout = readyTimeout
        self.logger = logger
    }

    public nonisolated var engineName: String { "Docker" }

    public func observe() async throws(RuntimeFailure) -> RuntimeSnapshot {
        try await connection.run { docker throws(DockerError) in
            Self.snapshot(try await docker.inspectContainer(spec.name))
        }
    }

    public func prepare() async throws(RuntimeFailure) -> RuntimeSnapshot {
        try await connection.run { docker throws(DockerError) in
            Self.snapshot(try await ensureCreated(docker))
        }
    }

    public func start() async throws(RuntimeFailure) -> RuntimeSnapshot {
        try await connection.run { docker throws(DockerError) in
            let container = try await ensureCreated(docker)
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
            return Self.snapshot(try await docker.inspectContainer(container.id))
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

    /// Returns the existing container, re-creating it when its spec changed and it is not
    /// running (a running copy is never pulled from under traffic).
    private func ensureCreated(_ docker: DockerClient) async throws(DockerError) -> ContainerInspection {
        if let existing = try await docker.inspectContainer(spec.name) {
            let current = existing.labels[Self.specLabel] == spec.fingerprint
            if current || existing.state.running {
                if !current {
                    logger.warning(
                        "cloud container runs an outdated spec; it is re-created at its next stop",
                        metadata: ["container.id": .string(existing.id)]
                    )
                }
                return existing
            }
            logger.notice("re-creating cloud container: configuration changed", metadata: ["container.id": .string(existing.id)])
            try await docker.removeContainer(id: existing.id)
        }
        let id = try await docker.createContainer(spec, labels: [Self.managedLabel: "true", Self.specLabel: spec.fingerprint])
        logger.notice("cloud container created", metadata: ["container.id": .string(id), "container.image": .string(spec.image)])
        guard let created = try await docker.inspectContainer(id) else {
            throw DockerError(kind: .api, call: "GET /containers/{id}/json", container: id, message: "vanished right after create")
        }
        return created
    }

    /// Polls until running (and healthy when a HEALTHCHECK exists); fails fast if it exits.
    private func waitUntilReady(_ docker: DockerClient, id: String) async throws(DockerError) -> RuntimeSnapshot {
        let deadline = ContinuousClock.now + readyTimeout
        while true {
            guard let container = try await docker.inspectContainer(id) else {
                throw DockerError(kind: .api, call: "wait for ready", container: id, message: "container disappeared while starting")
            }
            let ready = container.state.running && (container.state.health == nil || container.state.health == "healthy")
            if ready { return Self.snapshot(container) }
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
                    message: "not ready within \(readyTimeout) (status \(container.state.status), health \(container.state.health ?? "none"))"
                )
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    static func snapshot(_ container: ContainerInspection?) -> RuntimeSnapshot {
        guard let container else { return .missing }
        return RuntimeSnapshot(
            id: container.id,
            actual: container.state.running ? .running : .stopped,
            status: container.state.status,
            health: container.state.health
        )
    }
}
