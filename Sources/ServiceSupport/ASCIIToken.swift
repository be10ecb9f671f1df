/// Checks for short identifier-like values (request ids, site names) that are safe to echo in
/// headers, metric labels and log lines without escaping.
public enum ASCIIToken {
    /// Whether `value` is 1...`maximumLength` bytes of ASCII letters, digits and the `punctuation` given.
    public static func isValid(_ value: String, maximumLength: Int, punctuation: String) -> Bool {
        let allowed = Set(punctuation.utf8)
        guard (1...maximumLength).contains(value.utf8.count) else { return false }
        return value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            default:
                return allowed.contains(byte)
            }
        }
    }
}
