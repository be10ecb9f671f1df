import AsyncHTTPClient
import FoundationEssentials
import Logging
import NIOCore
import NIOHTTP1
import RuntimeSpec

/// A Docker Engine API client over the unix socket; no docker CLI, no shell.
///
/// Every call has a deadline so a wedged dockerd cannot hang a webhook reply, and every error
/// names the call, the container and Docker's answer.
public struct DockerClient: Sendable {
    /// The newest API version this client was written against; older daemons are spoken to in
    /// their own version (negotiated from `/version`), down to `minimumAPIVersion`. Newer
    /// daemons accept it as long as it is not below their own minimum (Docker Engine 29
    /// refuses anything below 1.44).
    public static let preferredAPIVersion = APIVersion(major: 1, minor: 47)
    /// Oldest API with everything used here.
    public static let minimumAPIVersion = APIVersion(major: 1, minor: 40)

    private let http: HTTPClient
    private let socketPath: String
    private let callTimeout: TimeAmount
    /// The API version used in request paths.
    public let apiVersion: APIVersion

    /// Connects: asks dockerd which API versions it speaks (`GET /version`, unversioned) and
    /// picks the newest both sides know.
    public static func connect(http: HTTPClient, socketPath: String, callTimeout: Duration = .seconds(5)) async throws(DockerError) -> DockerClient {
        let call = "GET /version"
        let probe = DockerClient(http: http, socketPath: socketPath, callTimeout: .init(callTimeout), apiVersion: minimumAPIVersion)
        let response = try await probe.send(.GET, "/version", versioned: false, call: call)
        guard response.status == 200 else { throw response.error(call: call, container: nil) }
        struct Version: Decodable {
            let ApiVersion: String
            let MinAPIVersion: String?
        }
        let version = try response.decode(Version.self, call: call, container: nil)
        guard let newest = APIVersion(parsing: version.ApiVersion) else {
            throw DockerError(kind: .badResponse, call: call, message: "unreadable ApiVersion '\(version.ApiVersion)'")
        }
        let oldest = version.MinAPIVersion.flatMap(APIVersion.init(parsing:)) ?? newest
        let chosen = try negotiate(daemonNewest: newest, daemonOldest: oldest)
        return DockerClient(http: http, socketPath: socketPath, callTimeout: .init(callTimeout), apiVersion: chosen)
    }

    /// The newest version both this client and the daemon speak, or an error naming both ranges.
    public static func negotiate(daemonNewest: APIVersion, daemonOldest: APIVersion) throws(DockerError) -> APIVersion {
        let chosen = min(daemonNewest, preferredAPIVersion)
        guard chosen >= minimumAPIVersion, chosen >= daemonOldest else {
            throw DockerError(
                kind: .api,
                call: "GET /version",
                message:
                    "dockerd speaks API \(daemonOldest)–\(daemonNewest), failoverd \(minimumAPIVersion)–\(preferredAPIVersion): no version in common"
            )
        }
        return chosen
    }

    private init(http: HTTPClient, socketPath: String, callTimeout: TimeAmount, apiVersion: APIVersion) {
        self.http = http
        self.socketPath = socketPath
        self.callTimeout = callTimeout
        self.apiVersion = apiVersion
    }

    // MARK: Containers

    /// Inspects a container by name or id; nil when it does not exist.
    public func inspectContainer(_ nameOrID: String) async throws(DockerError) -> ContainerInspection? {
        let call = "GET /containers/{id}/json"
        let response = try await send(.GET, "/containers/\(escape(nameOrID))/json", call: call, container: nameOrID)
        switch response.status {
        case 200: return try response.decode(ContainerInspection.self, call: call, container: nameOrID)
        case 404: return nil
        default: throw response.error(call: call, container: nameOrID)
        }
    }

    /// Creates a container (not started) and returns its id. `environment` is the spec's with
    /// its environment file read in.
    public func createContainer(
        _ spec: ContainerSpec,
        environment: [String]? = nil,
        labels extraLabels: [String: String] = [:]
    ) async throws(DockerError) -> String {
        let call = "POST /containers/create"
        let data: Data
        do {
            data = try JSONEncoder().encode(try spec.createBody(environment: environment ?? spec.environment, labels: extraLabels))
        } catch {
            throw DockerError(kind: .badResponse, call: call, container: spec.name, message: "cannot encode create body: \(error)")
        }
        let response = try await send(.POST, "/containers/create?name=\(escape(spec.name))", body: data, call: call, container: spec.name)
        switch response.status {
        case 201:
            struct Created: Decodable { let Id: String }
            return try response.decode(Created.self, call: call, container: spec.name).Id
        case 404:
            throw DockerError(
                kind: .imageMissing,
                call: call,
                container: spec.name,
                status: 404,
                message:
                    "image '\(spec.image)' is not on this host; load it (docker load), build it, or let failoverd pull it (container.pull) before failover is needed"
            )
        default:
            throw response.error(call: call, container: spec.name)
        }
    }

    /// Starts a container; already running (304) counts as success.
    public func startContainer(id: String) async throws(DockerError) {
        let call = "POST /containers/{id}/start"
        let response = try await send(.POST, "/containers/\(escape(id))/start", call: call, container: id)
        guard response.status == 204 || response.status == 304 else { throw response.error(call: call, container: id) }
    }

    /// Stops a container gracefully; already stopped (304) counts as success.
    public func stopContainer(id: String, timeoutSeconds: Int) async throws(DockerError) {
        let call = "POST /containers/{id}/stop"
        // Docker waits up to `t` seconds before SIGKILL; our own deadline must outlast that.
        let response = try await send(
            .POST,
            "/containers/\(escape(id))/stop?t=\(timeoutSeconds)",
            call: call,
            container: id,
            timeout: callTimeout + .seconds(Int64(timeoutSeconds))
        )
        guard response.status == 204 || response.status == 304 else { throw response.error(call: call, container: id) }
    }

    /// Removes a container (forcefully, also when running).
    public func removeContainer(id: String) async throws(DockerError) {
        let call = "DELETE /containers/{id}"
        let response = try await send(.DELETE, "/containers/\(escape(id))?force=true", call: call, container: id)
        guard response.status == 204 || response.status == 404 else { throw response.error(call: call, container: id) }
    }

    // MARK: Events

    /// Follows dockerd's event stream narrowed by `filters` (Engine API filter syntax, e.g.
    /// `["type": ["container"], "container": [name]]`; by name, so it survives re-creation):
    /// calls `onOpen` once dockerd accepted the subscription, then `onEvent` with each event's
    /// action (`die`, `start`, `destroy`, `exec_start: ...`), until dockerd closes the stream or
    /// fails. Cancelling the task ends it. `subject` names what is followed in errors.
    ///
    /// A quiet stream cannot be told from a stalled dockerd, so the stream is asked for in
    /// windows of `window` (`until`): dockerd ends each one itself, the next starts where it
    /// ended (`since`, so no event falls between), and a window still open `grace` after its
    /// end means dockerd stopped answering: a timeout, not a quiet night.
    public func followEvents(
        filters: [String: [String]],
        subject name: String,
        window: Duration = .seconds(60),
        grace: Duration = .seconds(10),
        onOpen: @Sendable () async -> Void,
        onEvent: @escaping @Sendable (String) async -> Void
    ) async throws(DockerError) {
        let call = "GET /events"
        let query = try filterQuery(filters, call: call)
        // Always with `since`: given `until` alone, dockerd first replays the events it buffered.
        var since = EventTime(Date())
        var subscribed = false
        while true {
            let until = since.adding(max(window, .seconds(1)))
            let range = "since=\(since)&until=\(until)&"
            // dockerd answers the head at once; a stalled one must not hold the subscription.
            let response = try await open(.GET, "/events?\(range)filters=\(query)", call: call, container: name, deadline: .now() + TimeAmount(grace))
            guard response.status == .ok else {
                let body = try? await response.body.collect(upTo: 64 << 10)
                throw EngineResponse(status: Int(response.status.code), body: Data(body?.readableBytesView ?? []))
                    .error(call: call, container: name)
            }
            if !subscribed {
                subscribed = true
                await onOpen()
            }
            do {
                try await Self.readEvents(response, by: NIODeadline.now() + TimeAmount(window + grace), onEvent: onEvent)
            } catch {
                throw transportError(error, call: call, container: name)
            }
            if Task.isCancelled { return }
            since = until
        }
    }

    /// A time as dockerd's `since` and `until` read it: seconds and nanoseconds since the epoch.
    struct EventTime: CustomStringConvertible {
        private let nanoseconds: Int64

        init(_ date: Date) {
            nanoseconds = Int64(date.timeIntervalSince1970 * 1e9)
        }

        private init(nanoseconds: Int64) {
            self.nanoseconds = nanoseconds
        }

        func adding(_ duration: Duration) -> EventTime {
            let (seconds, attoseconds) = duration.components
            return EventTime(nanoseconds: nanoseconds + seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }

        var description: String {
            let fraction = String(nanoseconds % 1_000_000_000)
            return "\(nanoseconds / 1_000_000_000)." + String(repeating: "0", count: 9 - fraction.count) + fraction
        }
    }

    /// Reads one window of events, one JSON object per line, until dockerd ends it or `deadline`.
    private static func readEvents(
        _ response: HTTPClientResponse,
        by deadline: NIODeadline,
        onEvent: @escaping @Sendable (String) async -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                struct Event: Decodable { let Action: String }
                var pending = ByteBuffer()
                for try await chunk in response.body {
                    pending.writeImmutableBuffer(chunk)
                    while let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = pending.readSlice(length: newline - pending.readerIndex + 1)!
                        guard let event = try? JSONDecoder().decode(Event.self, from: Data(line.readableBytesView)) else { continue }
                        await onEvent(event.Action)
                    }
                    pending.discardReadBytes()
                }
                return true
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(max(0, (deadline - NIODeadline.now()).nanoseconds)))
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else { throw HTTPClientError.deadlineExceeded }
        }
    }

    // MARK: Transport

    func escape(_ component: String) -> String {
        component.percentEncoded(keeping: pathSegmentCharacters)
    }

    func send(
        _ method: HTTPMethod,
        _ path: String,
        versioned: Bool = true,
        body: Data? = nil,
        contentType: String = "application/json",
        call: String? = nil,
        container: String? = nil,
        timeout: TimeAmount? = nil
    ) async throws(DockerError) -> EngineResponse {
        let callName = call ?? "\(method.rawValue) \(path)"
        let deadline = NIODeadline.now() + (timeout ?? callTimeout)
        let response = try await open(
            method,
            path,
            versioned: versioned,
            body: body,
            contentType: contentType,
            call: callName,
            container: container,
            deadline: deadline
        )
        do {
            let bytes = try await Self.collect(response, by: deadline)
            return EngineResponse(status: Int(response.status.code), body: Data(bytes.readableBytesView))
        } catch {
            throw transportError(error, call: callName, container: container)
        }
    }

    /// The whole body by the call's deadline. AsyncHTTPClient's deadline ends with the head, and
    /// its read timeout restarts with every byte, so a dockerd that answers the head and then
    /// stalls or trickles would hold the call, and failoverd's convergence, for as long as it likes.
    private static func collect(_ response: HTTPClientResponse, by deadline: NIODeadline) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await response.body.collect(upTo: 4 << 20) }
            group.addTask {
                let remaining = deadline - NIODeadline.now()
                try await Task.sleep(nanoseconds: UInt64(max(0, remaining.nanoseconds)))
                return nil
            }
            defer { group.cancelAll() }
            guard let bytes = try await group.next() ?? nil else { throw HTTPClientError.deadlineExceeded }
            return bytes
        }
    }

    /// Sends a request and returns once dockerd answered with its head; the body is the caller's.
    func open(
        _ method: HTTPMethod,
        _ path: String,
        versioned: Bool = true,
        body: Data? = nil,
        contentType: String = "application/json",
        headers: [(name: String, value: String)] = [],
        call callName: String,
        container: String?,
        deadline: NIODeadline
    ) async throws(DockerError) -> HTTPClientResponse {
        let uri = versioned ? "/v\(apiVersion)\(path)" : path
        // AsyncHTTPClient retries failed connects until the deadline; a missing socket file
        // (dockerd stopped cleanly) is known at once, so say so at once.
        guard FileManager.default.fileExists(atPath: socketPath) else {
            throw DockerError(
                kind: .unreachable,
                call: callName,
                container: container,
                message: "no Docker socket at \(socketPath); is dockerd running?"
            )
        }
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: uri) else {
            throw DockerError(kind: .unreachable, call: callName, container: container, message: "bad socket path \(socketPath)")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        // The unix-socket URL has no host; dockerd still requires a Host header.
        request.headers.add(name: "Host", value: "docker")
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            return try await http.execute(request, deadline: deadline)
        } catch {
            throw transportError(error, call: callName, container: container)
        }
    }

    /// The `filters` query parameter dockerd expects: a URL-encoded JSON map of lists.
    func filterQuery(_ filters: [String: [String]], call: String) throws(DockerError) -> String {
        let json: Data
        do { json = try JSONEncoder().encode(filters) } catch {
            throw DockerError(kind: .badResponse, call: call, message: "cannot encode filters: \(error)")
        }
        let text = String(decoding: json, as: UTF8.self)
        return text.percentEncoded()
    }

    func transportError(_ error: any Error, call: String, container: String?) -> DockerError {
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return DockerError(kind: .timeout, call: call, container: container, message: "no answer from dockerd within the deadline")
        }
        return DockerError(kind: .unreachable, call: call, container: container, message: "cannot reach dockerd at \(socketPath): \(error)")
    }
}

/// A Docker answer, kept whole so errors can quote it.
struct EngineResponse {
    let status: Int
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    func decode<T: Decodable>(_ type: T.Type, call: String, container: String?) throws(DockerError) -> T {
        do { return try JSONDecoder().decode(type, from: body) } catch {
            throw DockerError(kind: .badResponse, call: call, container: container, status: status, message: "unreadable answer: \(error)")
        }
    }

    /// Docker's error body is `{"message": "..."}`. A 502, 503 or 504 without one comes from a
    /// socket proxy in front of dockerd that cannot reach it: dockerd is down, as if its socket
    /// were missing.
    func error(call: String, container: String?) -> DockerError {
        struct Message: Decodable { let message: String }
        guard let message = try? JSONDecoder().decode(Message.self, from: body).message else {
            if [502, 503, 504].contains(status) {
                return DockerError(
                    kind: .unreachable,
                    call: call,
                    container: container,
                    status: status,
                    message: "the Docker socket proxy answered \(status) without dockerd's words: it cannot reach dockerd; is dockerd running?"
                )
            }
            return DockerError(kind: .api, call: call, container: container, status: status, message: text)
        }
        return DockerError(kind: .api, call: call, container: container, status: status, message: message)
    }
}

/// A Docker Engine API version such as 1.41.
public struct APIVersion: Sendable, Comparable, CustomStringConvertible {
    /// Major part.
    public var major: Int
    /// Minor part.
    public var minor: Int

    /// Creates a version.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `1.41`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.init(major: major, minor: minor)
    }

    public static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public var description: String { "\(major).\(minor)" }
}
