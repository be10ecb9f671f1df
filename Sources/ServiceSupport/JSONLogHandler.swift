import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `LogHandler` that writes one JSON object per line to standard output.
///
/// Log shippers (journald's stdout capture, Docker's json-file driver, Promtail, Vector) index JSON
/// lines without a parser configuration, so every event is a single self-contained line: time,
/// level, logger label, message, and the merged metadata as top-level string fields.
public struct JSONLogHandler: LogHandler {
    /// Metadata merged into every event from this handler (e.g. `site`).
    public var metadata: Logger.Metadata
    /// Minimum level written.
    public var logLevel: Logger.Level
    /// Optional provider for task-local metadata.
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let sink: @Sendable (String) -> Void

    /// Creates a handler; `sink` receives each finished line (tests capture it, production prints).
    public init(
        label: String,
        level: Logger.Level = .info,
        metadata: Logger.Metadata = [:],
        sink: @escaping @Sendable (String) -> Void = JSONLogHandler.writeToStandardOutput
    ) {
        self.label = label
        self.logLevel = level
        self.metadata = metadata
        self.sink = sink
    }

    /// Accesses one metadata value of this handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats and emits one event.
    public func log(event: LogEvent) {
        let merged = event.mergedMetadata(handler: metadata, provider: metadataProvider)
        var line = "{\"time\":\"\(Self.timestamp())\",\"level\":\"\(event.level.rawValue)\""
        line += ",\"logger\":" + JSONString.quote(label)
        line += ",\"message\":" + JSONString.quote(event.message.description)
        for key in merged.keys.sorted() {
            line += "," + JSONString.quote(key) + ":" + JSONString.quote(merged[key]!.description)
        }
        line += "}"
        sink(line)
    }

    /// Writes a line to stdout (`StandardStream.output`): whole, never interleaved.
    public static let writeToStandardOutput: @Sendable (String) -> Void = { line in
        StandardStream.output.writeLine(line)
    }

    /// RFC 3339 UTC time with milliseconds, computed without Foundation formatters.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let millis = Int32(now.tv_nsec / 1_000_000)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(millis, 3))Z"
    }
}

/// Minimal JSON string quoting for log lines and hand-written replies.
package enum JSONString {
    /// Returns `text` as a quoted JSON string literal. Works on UTF-8 bytes: a byte that needs
    /// escaping is always ASCII, and most text has none, so it is copied whole. Quoting per
    /// Unicode scalar took 13 % of a webhook's CPU with several services.
    package static func quote(_ text: String) -> String {
        guard text.utf8.contains(where: needsEscape) else { return "\"" + text + "\"" }
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        bytes.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            guard needsEscape(byte) else {
                bytes.append(byte)
                continue
            }
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
            default: bytes += [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigit(byte >> 4), hexDigit(byte & 0xF)]
            }
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
