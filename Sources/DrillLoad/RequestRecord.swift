/// One request of a drill, as the client saw it.
public struct RequestRecord: Codable, Sendable, Equatable {
    /// When the request was sent, Unix seconds.
    public var time: Double
    /// HTTP status, or 0 when no response arrived (refused, reset, timed out).
    public var status: Int
    /// Seconds from send to the full response (or to the failure).
    public var latency: Double
    /// Which copy answered (`site` of the JSON body), when it did.
    public var site: String?
    /// The host name of the copy that answered (`hostname` of the JSON body): which node of a
    /// cloud copy spread over several served it.
    public var host: String?
    /// Why it failed, when it did.
    public var error: String?

    /// Creates a record.
    public init(time: Double, status: Int, latency: Double, site: String?, host: String? = nil, error: String?) {
        self.time = time
        self.status = status
        self.latency = latency
        self.site = site
        self.host = host
        self.error = error
    }

    /// A success is a 200 from either copy; anything else is a client-visible error.
    public var succeeded: Bool { status == 200 }
}
