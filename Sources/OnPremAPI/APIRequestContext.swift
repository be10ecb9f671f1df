import Hummingbird
import Logging

/// Request context carrying the request id resolved by `ObservabilityMiddleware`.
public struct APIRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The id echoed in `X-Request-ID` and written to every log line of this request.
    public var requestID: String = ""

    /// Creates the context for a new request.
    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}
