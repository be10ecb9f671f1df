import HTTPTypes
import Hummingbird
import Logging
import ServiceSupport

/// Gives each request an id, times it, records its metrics and writes its one access-log line.
///
/// Thrown `HTTPError`s are turned into responses here rather than by Hummingbird, so error
/// responses carry `X-Request-ID` and are counted with their real status.
struct ObservabilityMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let metrics: APIMetrics

    func handle(
        _ request: Request,
        context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        context.requestID = RequestID.resolve(request.headers[values: .requestID].first)
        context.logger[metadataKey: "request_id"] = .string(context.requestID)

        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": .string(String(describing: error))])
            response = Response(status: .internalServerError)
        }
        response.headers[.requestID] = context.requestID

        let seconds = (ContinuousClock.now - started).inSeconds
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(method: request.method.rawValue, route: route, status: response.status.code, seconds: seconds)
        context.logger.info(
            "request",
            metadata: [
                "http.method": .string(request.method.rawValue),
                "http.route": .string(route),
                "http.status": .stringConvertible(response.status.code),
                "duration_ms": .stringConvertible((seconds * 1_000_000).rounded() / 1000),
            ]
        )
        return response
    }

}

extension HTTPField.Name {
    /// `X-Request-ID`.
    static let requestID = Self(RequestID.headerName)!
}
