import Hummingbird
import Logging

/// Body of `GET /`: which copy answered, so drills and humans can tell on-prem from cloud.
struct IdentityResponse: ResponseEncodable {
    let site: String
    let hostname: String
    let version: String
    let requestID: String

    enum CodingKeys: String, CodingKey {
        case site, hostname, version
        case requestID = "request_id"
    }
}

/// Body of `GET /health`.
struct HealthResponse: ResponseEncodable {
    let status: String
    let site: String
}

extension Router<APIRequestContext> {
    /// Adds the service endpoints every deployment has.
    func addServiceRoutes(
        configuration: OnPremAPIConfiguration,
        identity: ProcessIdentity,
        state: ServingState,
        metrics: APIMetrics,
        faults: FaultInjector
    ) {
        get("/") { request, context -> IdentityResponse in
            try await faults.applyDelay(request.uri.queryParameters.get("delay_ms"))
            try await faults.applyBrownoutDelay()
            try faults.maybeFailRandomly()
            return IdentityResponse(
                site: configuration.site,
                hostname: identity.hostname,
                version: identity.version,
                requestID: context.requestID
            )
        }
        // Health answers 503 while draining so load balancers move traffic before the listener closes.
        get("/health") { _, _ -> EditedResponse<HealthResponse> in
            let draining = state.isDraining
            return EditedResponse(
                status: draining ? .serviceUnavailable : .ok,
                response: HealthResponse(status: draining ? "draining" : "ok", site: configuration.site)
            )
        }
        get("/metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: .init(string: metrics.exposition()))
            )
        }
    }

    /// Adds the drill endpoints; each refuses with 403 while fault injection is off.
    func addFaultRoutes(faults: FaultInjector) {
        get("/fail") { _, _ -> Response in
            try faults.requireEnabled()
            throw HTTPError(.internalServerError, message: "injected failure")
        }
        get("/cpu") { request, _ -> Response in
            let seconds = try await faults.burnCPU(request.uri.queryParameters.get("seconds"))
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: .init(string: "{\"burned_seconds\":\(seconds)}"))
            )
        }
        // A brownout: GET / slows down and fails at a rate until set back to zeros.
        put("/brownout") { request, context -> Response in
            let query = request.uri.queryParameters
            let setting = try faults.setBrownout(failureRate: query.get("failure_rate"), delayMilliseconds: query.get("delay_ms"))
            context.logger.warning(
                "brownout set",
                metadata: ["fault": "brownout", "failure_rate": "\(setting.failureRate)", "delay_ms": "\(setting.delayMilliseconds)"]
            )
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(
                    byteBuffer: .init(string: "{\"failure_rate\":\(setting.failureRate),\"delay_ms\":\(setting.delayMilliseconds)}")
                )
            )
        }
        post("/kill") { _, context -> Response in
            try faults.requireEnabled()
            context.logger.critical("killed on request", metadata: ["fault": "kill"])
            faults.crash()
            // Only reached when the crash hook returns (tests); a real process is gone by now.
            throw HTTPError(.internalServerError, message: "crash hook returned")
        }
    }
}
