import FoundationEssentials
import Synchronization

/// Checks `Authorization` against the shared token: `Bearer <token>`, or `Basic` with the
/// configured user and the token as password (Alertmanager's `http_config` supports both).
/// A reload replaces the credentials for every later request.
public final class WebhookAuthenticator: Sendable {
    private struct Credentials {
        var token: [UInt8]
        var basicUsername: String
    }
    private let credentials: Mutex<Credentials>

    /// Creates an authenticator for `token`.
    public init(token: String, basicUsername: String) {
        credentials = Mutex(Credentials(token: Array(token.utf8), basicUsername: basicUsername))
    }

    /// Accepts these credentials from now on, and no longer the previous ones.
    public func replace(token: String, basicUsername: String) {
        credentials.withLock { $0 = Credentials(token: Array(token.utf8), basicUsername: basicUsername) }
    }

    /// Whether the header carries the right credentials.
    public func isAuthorized(_ header: String?) -> Bool {
        guard let header else { return false }
        let (token, basicUsername) = credentials.withLock { ($0.token, $0.basicUsername) }
        // The scheme is case-insensitive (RFC 9110, 11.1); the credentials are not.
        let space = header.firstIndex(of: " ") ?? header.endIndex
        let scheme = header[..<space].lowercased()
        let credentials = header[space...].drop { $0 == " " }
        if scheme == "bearer" {
            return Self.constantTimeEquals(Array(credentials.utf8), token)
        }
        if scheme == "basic",
            let decoded = Data(base64Encoded: String(credentials)).map({ String(decoding: $0, as: UTF8.self) }),
            let colon = decoded.firstIndex(of: ":")
        {
            let user = String(decoded[..<colon])
            let password = Array(decoded[decoded.index(after: colon)...].utf8)
            // Evaluate both comparisons so timing does not reveal which part was wrong.
            let userMatches = Self.constantTimeEquals(Array(user.utf8), Array(basicUsername.utf8))
            let passwordMatches = Self.constantTimeEquals(password, token)
            return userMatches && passwordMatches
        }
        return false
    }

    /// Compares without an early exit, so response time does not leak how many bytes matched.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        let length = max(lhs.count, rhs.count)
        for index in 0..<length {
            let a = index < lhs.count ? lhs[index] : 0
            let b = index < rhs.count ? rhs[index] : 0
            difference |= a ^ b
        }
        return difference == 0
    }
}
