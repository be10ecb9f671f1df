import FoundationEssentials

/// Reads a webhook body in one pass, without Codable's per-field generic machinery, which took
/// a third of failoverd's CPU per webhook.
///
/// It gives up (returns nil) on anything it cannot read exactly as `JSONDecoder` would: a
/// non-ASCII byte, a `\u` escape in a value it needs, an escaped key, a duplicate or null field
/// it needs, a number that is not a plain integer, a time `RFC3339` cannot parse, any invalid
/// JSON. Values it skips are checked, never decoded, and keys are compared as bytes: no `String`
/// is made for what a decision does not read. The caller then decodes with
/// `JSONDecoder`, which also words the error for the sender. Alertmanager's own bodies are
/// ASCII JSON, so they take this path; a test checks that both readers agree on every body this
/// one accepts.
package struct WebhookScanner {
    private struct GiveUp: Error {}

    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    /// The payload, or nil when `JSONDecoder` must decide.
    package static func read(_ body: UnsafeRawBufferPointer) -> AlertmanagerWebhook? {
        var scanner = WebhookScanner(bytes: body)
        return try? scanner.webhook()
    }

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    // MARK: The payload's shape

    private mutating func webhook() throws(GiveUp) -> AlertmanagerWebhook {
        var version: String?
        var groupKey: String?
        var truncatedAlerts: Int?
        var status: AlertStatus?
        var receiver: String?
        var alerts: [Alert]?
        try expect(UInt8(ascii: "{"))
        var started = false
        while let key = try nextKey(&started) {
            if key.is("version") {
                try setOnce(&version, try string())
            } else if key.is("groupKey") {
                try setOnce(&groupKey, try string())
            } else if key.is("truncatedAlerts") {
                try setOnce(&truncatedAlerts, try integer())
            } else if key.is("status") {
                try setOnce(&status, try alertStatus())
            } else if key.is("receiver") {
                try setOnce(&receiver, try string())
            } else if key.is("alerts") {
                try setOnce(&alerts, try alertList())
            } else {
                try skipValue(depth: 1)
            }
        }
        skipWhitespace()
        guard position == bytes.count, let version, let status, let alerts else { throw GiveUp() }
        return AlertmanagerWebhook(
            version: version,
            groupKey: groupKey ?? "",
            truncatedAlerts: truncatedAlerts ?? 0,
            status: status,
            receiver: receiver ?? "",
            alerts: alerts
        )
    }

    private mutating func alertList() throws(GiveUp) -> [Alert] {
        try expect(UInt8(ascii: "["))
        var alerts: [Alert] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return alerts }
        repeat {
            alerts.append(try alert())
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
        return alerts
    }

    private mutating func alert() throws(GiveUp) -> Alert {
        var status: AlertStatus?
        var labels: [String: String]?
        var startsAt: Date?
        var endsAt: Date?
        var fingerprint: String?
        try expect(UInt8(ascii: "{"))
        var started = false
        while let key = try nextKey(&started) {
            if key.is("status") {
                try setOnce(&status, try alertStatus())
            } else if key.is("labels") {
                try setOnce(&labels, try labelSet())
            } else if key.is("startsAt") {
                try setOnce(&startsAt, try time())
            } else if key.is("endsAt") {
                try setOnce(&endsAt, try time())
            } else if key.is("fingerprint") {
                try setOnce(&fingerprint, try string())
            } else {
                try skipValue(depth: 3)
            }
        }
        guard let status, let labels, let startsAt, let endsAt, let fingerprint, !fingerprint.isEmpty else { throw GiveUp() }
        // Alertmanager writes Go's zero time (0001-01-01T00:00:00Z) when no end is known.
        return Alert(
            status: status,
            labels: labels,
            startsAt: startsAt,
            endsAt: endsAt.timeIntervalSince1970 < 0 ? nil : endsAt,
            fingerprint: fingerprint
        )
    }

    private mutating func labelSet() throws(GiveUp) -> [String: String] {
        try expect(UInt8(ascii: "{"))
        var labels: [String: String] = [:]
        var started = false
        while let name = try nextKey(&started) {
            guard labels.updateValue(try string(), forKey: try text(name)) == nil else { throw GiveUp() }
        }
        return labels
    }

    private mutating func alertStatus() throws(GiveUp) -> AlertStatus {
        guard let status = AlertStatus(rawValue: try string()) else { throw GiveUp() }
        return status
    }

    private mutating func time() throws(GiveUp) -> Date {
        guard let date = RFC3339.parse(try string()) else { throw GiveUp() }
        return date
    }

    private func setOnce<Value>(_ field: inout Value?, _ value: Value) throws(GiveUp) {
        guard field == nil else { throw GiveUp() }
        field = value
    }

    // MARK: JSON tokens

    /// The next key of an object whose `{` was read, or nil at its `}`: its bytes as they stand,
    /// so keys are told apart (and skipped objects' keys passed over) without making a `String`.
    /// An escaped key (never Alertmanager's) is left to `JSONDecoder`, which reads it as the key
    /// it spells.
    private mutating func nextKey(_ started: inout Bool) throws(GiveUp) -> RawString? {
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return nil }
        if started { try expect(UInt8(ascii: ",")) }
        started = true
        let key = try rawString()
        guard !key.escaped else { throw GiveUp() }
        try expect(UInt8(ascii: ":"))
        return key
    }

    private mutating func string() throws(GiveUp) -> String {
        try text(try rawString())
    }

    /// A JSON string's text; a `\u` escape gives up: this reader leaves it to `JSONDecoder`.
    private func text(_ raw: RawString) throws(GiveUp) -> String {
        raw.escaped ? try unescape(raw.bytes) : String(decoding: raw.bytes, as: UTF8.self)
    }

    /// A JSON string, checked (no control characters, valid escapes) but not decoded.
    private mutating func rawString() throws(GiveUp) -> RawString {
        try expect(UInt8(ascii: "\""))
        let start = position
        var escaped = false
        while true {
            guard position < bytes.count else { throw GiveUp() }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { break }
            // Control characters are invalid JSON; non-ASCII is left to JSONDecoder's UTF-8 checks.
            guard byte >= 0x20, byte < 0x80 else { throw GiveUp() }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                position += 1
                try skipEscape()
            } else {
                position += 1
            }
        }
        let raw = RawString(bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), escaped: escaped)
        position += 1
        return raw
    }

    /// The rest of an escape after its `\`: one of `"\/bfnrt`, or `u` and four hex digits.
    private mutating func skipEscape() throws(GiveUp) {
        guard position < bytes.count else { throw GiveUp() }
        switch bytes[position] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            guard position + 4 < bytes.count else { throw GiveUp() }
            for offset in 1...4 where !isHexDigit(bytes[position + offset]) { throw GiveUp() }
            position += 5
        default:
            throw GiveUp()
        }
    }

    private func unescape(_ raw: UnsafeRawBufferPointer) throws(GiveUp) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            var byte = raw[index]
            if byte == UInt8(ascii: "\\") {
                index += 1
                switch raw[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): byte = raw[index]
                case UInt8(ascii: "b"): byte = 0x08
                case UInt8(ascii: "f"): byte = 0x0C
                case UInt8(ascii: "n"): byte = 0x0A
                case UInt8(ascii: "r"): byte = 0x0D
                case UInt8(ascii: "t"): byte = 0x09
                default: throw GiveUp()  // \u and invalid escapes
                }
            }
            text.append(byte)
            index += 1
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// A plain JSON integer (`-?(0|[1-9][0-9]*)`) that fits an `Int`.
    private mutating func integer() throws(GiveUp) -> Int {
        skipWhitespace()
        let start = position
        _ = consume(UInt8(ascii: "-"))
        let digits = position
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        guard position > digits, bytes[digits] != UInt8(ascii: "0") || position == digits + 1 else { throw GiveUp() }
        if position < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position]) {
            throw GiveUp()
        }
        guard let value = Int(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)) else {
            throw GiveUp()
        }
        return value
    }

    /// Skips any JSON value, checking it is valid.
    private mutating func skipValue(depth: Int) throws(GiveUp) {
        guard depth < 64 else { throw GiveUp() }
        skipWhitespace()
        guard position < bytes.count else { throw GiveUp() }
        switch bytes[position] {
        case UInt8(ascii: "\""):
            _ = try rawString()
        case UInt8(ascii: "{"):
            position += 1
            var started = false
            while try nextKey(&started) != nil { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            position += 1
            skipWhitespace()
            if consume(UInt8(ascii: "]")) { return }
            repeat {
                try skipValue(depth: depth + 1)
                skipWhitespace()
            } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try skipNumber()
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func skipNumber() throws(GiveUp) {
        _ = consume(UInt8(ascii: "-"))
        let integerStart = position
        try skipDigits()
        if bytes[integerStart] == UInt8(ascii: "0") && position > integerStart + 1 { throw GiveUp() }
        if consume(UInt8(ascii: ".")) { try skipDigits() }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            try skipDigits()
        }
    }

    private mutating func skipDigits() throws(GiveUp) {
        let start = position
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        guard position > start else { throw GiveUp() }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }

    private mutating func literal(_ word: StaticString) throws(GiveUp) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw GiveUp() }
        for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] { throw GiveUp() }
        position += count
    }

    private mutating func expect(_ byte: UInt8) throws(GiveUp) {
        skipWhitespace()
        guard consume(byte) else { throw GiveUp() }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): position += 1
            default: return
            }
        }
    }
}

/// A JSON string's bytes between its quotes, as the body holds them.
private struct RawString {
    let bytes: UnsafeRawBufferPointer
    /// Whether it holds an escape, so its text needs decoding.
    let escaped: Bool

    /// Whether it is `key`, byte for byte.
    func `is`(_ key: StaticString) -> Bool {
        bytes.elementsEqual(UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }
}
