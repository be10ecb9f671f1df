import FoundationEssentials

/// Finds the first object key that appears twice in one JSON object.
///
/// JSON leaves duplicate keys undefined and readers differ: Go's `encoding/json`, which
/// Alertmanager uses, keeps the last value; Foundation's `JSONDecoder` keeps the first. A body
/// whose `status` or `fingerprint` reads one way to a proxy and another way to failoverd is
/// refused instead of guessed at. Alertmanager never writes one, so nothing real is lost.
enum JSONDuplicateKeys {
    /// The path of the first duplicate (`alerts[0].status`), or nil when there is none or the
    /// body is not JSON (the decoder then says why).
    static func first(in body: some Collection<UInt8>) -> String? {
        let bytes = Array(body)
        var walker = Walker(bytes: bytes)
        return try? walker.value(path: "")
    }

    private struct NotJSON: Error {}

    private struct Walker {
        let bytes: [UInt8]
        var position = 0

        /// Walks one value; returns the first duplicate's path inside it.
        mutating func value(path: String) throws(NotJSON) -> String? {
            skipWhitespace()
            guard position < bytes.count else { throw NotJSON() }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try object(path: path)
            case UInt8(ascii: "["): return try array(path: path)
            case UInt8(ascii: "\""):
                _ = try string()
                return nil
            default:
                // A number, true, false or null: up to the next delimiter.
                while position < bytes.count, !",]} \t\r\n".utf8.contains(bytes[position]) { position += 1 }
                return nil
            }
        }

        private mutating func object(path: String) throws(NotJSON) -> String? {
            position += 1
            var keys: Set<String> = []
            var found: String?
            skipWhitespace()
            if consume(UInt8(ascii: "}")) { return nil }
            repeat {
                skipWhitespace()
                let key = try string()
                let keyPath = path.isEmpty ? key : "\(path).\(key)"
                if !keys.insert(key).inserted { found = found ?? keyPath }
                skipWhitespace()
                guard consume(UInt8(ascii: ":")) else { throw NotJSON() }
                let inner = try value(path: keyPath)
                found = found ?? inner
                skipWhitespace()
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "}")) else { throw NotJSON() }
            return found
        }

        private mutating func array(path: String) throws(NotJSON) -> String? {
            position += 1
            var found: String?
            var index = 0
            skipWhitespace()
            if consume(UInt8(ascii: "]")) { return nil }
            repeat {
                let inner = try value(path: "\(path)[\(index)]")
                found = found ?? inner
                index += 1
                skipWhitespace()
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "]")) else { throw NotJSON() }
            return found
        }

        /// A string's value; escapes are decoded by `JSONDecoder`, so `"\u0061"` and `"a"` are
        /// the same key, as every reader takes them.
        private mutating func string() throws(NotJSON) -> String {
            guard consume(UInt8(ascii: "\"")) else { throw NotJSON() }
            let start = position - 1
            var escaped = false
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    position += 1
                } else if byte == UInt8(ascii: "\"") {
                    let raw = bytes[start..<position]
                    guard escaped else { return String(decoding: raw.dropFirst().dropLast(), as: UTF8.self) }
                    guard let decoded = try? JSONDecoder().decode(String.self, from: Data(raw)) else { throw NotJSON() }
                    return decoded
                }
            }
            throw NotJSON()
        }

        private mutating func skipWhitespace() {
            while position < bytes.count, " \t\r\n".utf8.contains(bytes[position]) { position += 1 }
        }

        private mutating func consume(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }
    }
}
