import DockerEngine
import FailoverCore
import FailoverDaemon
import RuntimeSpec

/// Where a Docker target's image comes from: the host, or a registry pulled as the pull policy
/// says, with the credentials in a file (ECR's token, refreshed by the host, or a registry
/// user's password). Only `fetch` pulls, and nothing on the failover path calls it.
struct ImageSource: Sendable {
    /// The image reference of the spec.
    let reference: String
    /// When to pull.
    let policy: PullPolicy
    /// The registry credentials file; nil pulls anonymously.
    let credentialsFile: String?
    /// Longest one pull may take.
    let timeout: Duration

    /// Brings the image onto the host as the policy says and returns it with a one-line
    /// account; fails when it is not on the host and may not, or cannot, be pulled.
    func fetch(_ docker: DockerClient) async throws(DockerError) -> (image: ImageInspection, account: String) {
        let present = try await docker.inspectImage(reference)
        switch (policy, present) {
        case (.never, let present?), (.missing, let present?):
            return (present, "\(reference) is on the host")
        case (.never, nil):
            throw DockerError(
                kind: .imageMissing,
                call: "GET /images/{name}/json",
                container: reference,
                status: 404,
                message: "image '\(reference)' is not on this host and container.pull is never: load it (docker load) or set container.pull"
            )
        case (.missing, nil), (.always, _):
            guard let parsed = ImageReference(parsing: reference) else {
                throw DockerError(
                    kind: .hostFile,
                    call: "pull",
                    container: reference,
                    message: "'\(reference)' is not an image reference a registry serves"
                )
            }
            let pulled = try await docker.pullImage(parsed, credentials: try ContainerSpecFiles.credentials(credentialsFile), timeout: timeout)
            let changed = present.map { $0.id != pulled.id } ?? true
            return (pulled, "pulled \(pulled.digest(for: reference))" + (changed ? "" : " (unchanged)"))
        }
    }
}

/// Image ids named as status and metrics show them, asked of dockerd once per id.
actor ImageNames {
    private var names: [String: String] = [:]

    /// How `id` is shown: the registry digest of `reference`'s repository, else the id.
    func name(of id: String, reference: String, _ docker: DockerClient) async -> RuntimeImage? {
        guard !id.isEmpty else { return nil }
        if let known = names[id] { return RuntimeImage(reference: reference, digest: known) }
        guard let image = try? await docker.inspectImage(id) else { return RuntimeImage(reference: reference, digest: id) }
        let name = image.digest(for: reference)
        names[id] = name
        return RuntimeImage(reference: reference, digest: name)
    }

    /// Remembers `image`'s name, as a fetch just learned it.
    func learn(_ image: ImageInspection, reference: String) {
        names[image.id] = image.digest(for: reference)
    }
}
