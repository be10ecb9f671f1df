import FailoverCore
import FoundationEssentials
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// Dependencies of the HTTP surface.
struct FailoverdRoutes: Sendable {
    let fleet: ServiceFleet
    let authenticator: WebhookAuthenticator
    let metrics: DaemonMetrics
    let maximumBodyBytes: Int
    let replyDeadline: Duration
    /// Whether `/metrics` needs the token.
    let metricsRequireToken: Bool
    /// The reloads so far, on `/health` for `failoverd reload`.
    let reloads: ReloadTally

    func register(on router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ -> Response in
            var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
            if let name = HTTPField.Name(ReloadCounts.headerName) { headers[name] = reloads.current.headerValue }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: .init(string: "ok\n")))
        }
        router.get("/metrics") { request, _ -> Response in
            if metricsRequireToken { try authorize(request) }
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: .init(string: metrics.exposition()))
            )
        }
        router.post("/failover") { request, context -> Response in
            try await counted { try await webhook(request, context: context) }
        }
        router.get("/status") { request, _ -> FleetStatus in
            try authorize(request)
            return await fleet.status(of: try selected(request))
        }
        router.post("/pause") { request, _ -> FleetStatus in
            try await setPaused(true, request)
        }
        router.post("/resume") { request, _ -> FleetStatus in
            try await setPaused(false, request)
        }
    }

    private func authorize(_ request: Request) throws {
        guard authenticator.isAuthorized(request.headers[.authorization]) else {
            throw HTTPError(
                .unauthorized,
                headers: [.wwwAuthenticate: #"Bearer realm="failoverd""#],
                message: "missing or wrong credentials: send Authorization: Bearer <token from the token file>"
            )
        }
    }

    /// The services `?service=<name>` names, or all of them.
    private func selected(_ request: Request) throws -> [ServiceFleet.Member] {
        guard let name = request.uri.queryParameters.get("service") else { return fleet.members }
        guard let member = fleet.member(named: name) else {
            throw HTTPError(.notFound, message: "no service '\(name)'; services: \(fleet.members.map(\.name).joined(separator: ", "))")
        }
        return [member]
    }

    private func setPaused(_ paused: Bool, _ request: Request) async throws -> FleetStatus {
        try authorize(request)
        let members = try selected(request)
        for member in members {
            guard await member.controller.setPaused(paused) else {
                throw HTTPError(.serviceUnavailable, message: "state of \(member.name) could not be saved; see failoverd's log")
            }
        }
        return await fleet.status(of: members)
    }

    /// Counts every webhook reply by status code, errors included.
    private func counted(_ body: () async throws -> Response) async throws -> Response {
        do {
            let response = try await body()
            metrics.webhookRequest(code: response.status.code)
            return response
        } catch let error as HTTPError {
            metrics.webhookRequest(code: error.status.code)
            throw error
        }
    }

    /// 4xx for what the sender must fix (Alertmanager does not retry those), 503 only where a
    /// retry can help (Docker or the disk failed, or Docker is still working).
    private func webhook(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        // The media type exactly, parameters (charset) allowed: not application/jsonx.
        guard contentType.split(separator: ";", maxSplits: 1).first?.trimmingWhitespace() == "application/json" else {
            throw HTTPError(.unsupportedMediaType, message: "Content-Type must be application/json, got '\(contentType)'")
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maximumBodyBytes {
            throw HTTPError(
                .contentTooLarge,
                message: "body of \(declared) bytes exceeds the \(maximumBodyBytes)-byte limit; lower max_alerts on the receiver"
            )
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: "body exceeds the \(maximumBodyBytes)-byte limit; lower max_alerts on the receiver")
        } catch {
            // A broken chunked encoding, or the connection ended mid-body.
            throw HTTPError(.badRequest, message: "the request body could not be read: \(error)")
        }
        let payload: AlertmanagerWebhook
        do {
            payload = try WebhookPayloadError.decode(body.readableBytesView)
        } catch {
            context.logger.warning("webhook rejected", metadata: ["reason": .string(error.description)])
            throw HTTPError(.badRequest, message: error.description)
        }

        guard fleet.namesServices else {
            let outcome = await fleet.members[0].controller.receive(payload, deadline: replyDeadline)
            return try WebhookReply(outcome, replyDeadline: replyDeadline).response(from: request, context: context)
        }
        // Every service decides on the same notices at once; none waits for another's runtime.
        let outcomes = await withTaskGroup(of: (Int, FailoverController.WebhookOutcome).self) { group in
            for (index, member) in fleet.members.enumerated() {
                group.addTask { (index, await member.controller.receive(payload, deadline: replyDeadline)) }
            }
            var outcomes: [(Int, FailoverController.WebhookOutcome)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.0 < $1.0 }.map { (fleet.members[$0.0].name, $0.1) }
        }
        return try FleetWebhookReply(outcomes, replyDeadline: replyDeadline).response(from: request, context: context)
    }
}

extension FleetStatus: ResponseEncodable {}
