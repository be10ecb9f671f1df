import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import NIOHTTP1
import RuntimeSpec

/// What failoverd needs to know of a local image.
public struct ImageInspection: Sendable, Equatable, Decodable {
    /// The image id, `sha256:…` of its configuration.
    public var id: String
    /// The registry digests it was pulled as (`repo@sha256:…`); empty for a loaded or built image.
    public var repoDigests: [String]
    /// The image's own `USER`, empty for root.
    public var user: String

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case repoDigests = "RepoDigests"
        case config = "Config"
    }
    enum ConfigKeys: String, CodingKey { case user = "User" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        repoDigests = try container.decodeIfPresent([String].self, forKey: .repoDigests) ?? []
        let config = try? container.nestedContainer(keyedBy: ConfigKeys.self, forKey: .config)
        user = (try? config?.decodeIfPresent(String.self, forKey: .user)) ?? ""
    }

    /// How status and metrics name what runs: the registry digest of `reference`'s repository
    /// when it was pulled (what `docker pull` and the registry show), else the image id.
    public func digest(for reference: String) -> String {
        let repository = ImageReference(parsing: reference)?.repository
        let pulled = repoDigests.first { $0.split(separator: "@").first.map(String.init) == repository } ?? repoDigests.first
        return pulled ?? id
    }
}

extension DockerClient {
    // MARK: Images

    /// The local image a reference (or id) names; nil when it is not on this host.
    public func inspectImage(_ reference: String) async throws(DockerError) -> ImageInspection? {
        let call = "GET /images/{name}/json"
        let response = try await send(.GET, "/images/\(escape(reference))/json", call: call, container: reference)
        switch response.status {
        case 200: return try response.decode(ImageInspection.self, call: call, container: reference)
        case 404: return nil
        default: throw response.error(call: call, container: reference)
        }
    }

    /// The local image id (`sha256:...`) a reference names; nil when it is not on this host.
    public func imageID(_ reference: String) async throws(DockerError) -> String? {
        try await inspectImage(reference)?.id
    }

    /// Pulls `reference` from its registry with `credentials` (none: anonymous), within
    /// `timeout`, and returns the image now on the host. dockerd answers 200 at once and reports
    /// progress, and failures, as a stream of JSON lines; the stream's last error is the pull's.
    public func pullImage(
        _ reference: ImageReference,
        credentials: RegistryCredentials?,
        timeout: Duration
    ) async throws(DockerError) -> ImageInspection {
        let call = "POST /images/create"
        let subject = reference.description
        let query = "fromImage=\(reference.repository.percentEncoded())&tag=\(reference.pullTag.percentEncoded())"
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let headers = credentials.map { [(name: "X-Registry-Auth", value: $0.header(for: reference.registry))] } ?? []
        let response = try await open(.POST, "/images/create?\(query)", headers: headers, call: call, container: subject, deadline: deadline)
        guard response.status == .ok else {
            let body = try? await response.body.collect(upTo: 64 << 10)
            throw EngineResponse(status: Int(response.status.code), body: Data(body?.readableBytesView ?? [])).error(call: call, container: subject)
        }
        let failure: String?
        do {
            failure = try await Self.lastPullError(response, by: deadline)
        } catch {
            throw transportError(error, call: call, container: subject)
        }
        if let failure { throw DockerError(kind: .api, call: call, container: subject, status: 200, message: failure) }
        guard let pulled = try await inspectImage(subject) else {
            throw DockerError(kind: .api, call: call, container: subject, message: "the pull ended without an error but left no image by that name")
        }
        return pulled
    }

    /// Reads a pull's progress stream to its end (or `deadline`) and returns its last error.
    private static func lastPullError(_ response: HTTPClientResponse, by deadline: NIODeadline) async throws -> String? {
        try await withThrowingTaskGroup(of: String??.self) { group in
            group.addTask {
                struct Progress: Decodable { let error: String? }
                var pending = ByteBuffer()
                var lastError: String?
                for try await chunk in response.body {
                    pending.writeImmutableBuffer(chunk)
                    while let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = pending.readSlice(length: newline - pending.readerIndex + 1)!
                        if let error = (try? JSONDecoder().decode(Progress.self, from: Data(line.readableBytesView)))?.error { lastError = error }
                    }
                    pending.discardReadBytes()
                }
                return .some(lastError)
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(max(0, (deadline - NIODeadline.now()).nanoseconds)))
                return .none
            }
            defer { group.cancelAll() }
            guard case .some(let outcome) = try await group.next() ?? nil else { throw HTTPClientError.deadlineExceeded }
            return outcome
        }
    }

    // MARK: Files in a container

    /// Unpacks a tar archive at `path` in a container (running or not), each entry owned as
    /// its header says.
    public func putArchive(container id: String, at path: String, archive: [UInt8]) async throws(DockerError) {
        let call = "PUT /containers/{id}/archive"
        let query = "path=\(path.percentEncoded())&noOverwriteDirNonDir=true"
        let response = try await send(
            .PUT,
            "/containers/\(escape(id))/archive?\(query)",
            body: Data(archive),
            contentType: "application/x-tar",
            call: call,
            container: id
        )
        guard response.status == 200 else { throw response.error(call: call, container: id) }
    }

    /// The numeric owner `user` (`name`, `uid`, `name:group`, …; empty is root) stands for in
    /// container `id` (running or not), looked up in its own passwd and group files when it
    /// names one, as runc does when it starts the container.
    public func resolveUser(_ user: String, inContainer id: String) async throws(DockerError) -> ContainerUser {
        var passwd: String?
        var group: String?
        if ContainerUser.needsImageFiles(user) {
            passwd = try await fileContents(container: id, path: "/etc/passwd").map { String(decoding: $0, as: UTF8.self) }
            group = try await fileContents(container: id, path: "/etc/group").map { String(decoding: $0, as: UTF8.self) }
        }
        do {
            return try ContainerUser.resolve(user, passwd: passwd, group: group)
        } catch {
            throw DockerError(kind: .hostFile, call: "resolve the container's user", container: id, message: error.problem)
        }
    }

    /// One file of a container (running or not) as bytes; nil when it does not exist.
    public func fileContents(container id: String, path: String) async throws(DockerError) -> [UInt8]? {
        let call = "GET /containers/{id}/archive"
        let response = try await send(.GET, "/containers/\(escape(id))/archive?path=\(path.percentEncoded())", call: call, container: id)
        switch response.status {
        case 200:
            let name = path.split(separator: "/").last.map(String.init) ?? path
            guard let contents = TarArchive.file(named: name, in: Array(response.body)) else {
                throw DockerError(kind: .badResponse, call: call, container: id, status: 200, message: "no file \(path) in the archive dockerd sent")
            }
            return contents
        case 404: return nil
        default: throw response.error(call: call, container: id)
        }
    }
}

extension RegistryCredentials {
    /// The header's value for `registry`: URL-safe base64 of its JSON, as dockerd decodes it.
    func header(for registry: String?) -> String {
        struct AuthConfig: Encodable {
            let username: String
            let password: String
            let serveraddress: String
        }
        let json = (try? JSONEncoder().encode(AuthConfig(username: username, password: password, serveraddress: registry ?? "docker.io"))) ?? Data()
        return json.base64EncodedString().replacing("+", with: "-").replacing("/", with: "_")
    }
}
