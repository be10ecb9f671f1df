import FoundationEssentials

/// Request ids tie a client's report, the access log and upstream logs together.
public enum RequestID {
    /// The header clients and proxies use to pass a request id along.
    public static let headerName = "X-Request-ID"

    /// Longest id accepted from a client; longer ones are replaced, so logs stay bounded.
    public static let maximumLength = 128

    /// Returns the client's id when it is sane, otherwise a fresh one.
    ///
    /// "Sane" means 1...128 characters of `[A-Za-z0-9._:-]`: enough for UUIDs, HAProxy's
    /// `unique-id-format` and trace ids, while nothing can break a log line or a header.
    public static func resolve(_ proposed: String?) -> String {
        if let proposed, isSane(proposed) {
            return proposed
        }
        return generate()
    }

    /// Whether a client-provided id can be used as it is.
    public static func isSane(_ candidate: String) -> Bool {
        ASCIIToken.isValid(candidate, maximumLength: maximumLength, punctuation: "._:-")
    }

    /// A new random id (lower-case UUID).
    public static func generate() -> String {
        UUID().uuidString.lowercased()
    }
}
