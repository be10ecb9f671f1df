import Logging
import ServiceSupport

/// Turns one log event into journal fields (systemd.journal-fields(7)).
///
/// Metadata keys become fields an operator can filter on: `failover.action` becomes
/// `FAILOVER_ACTION`, so `journalctl -u failoverd FAILOVER_ACTION=start` lists every start. The
/// message also carries the metadata as `key=value` so plain `journalctl` and `systemctl status`
/// stay readable without `-o verbose`.
public enum JournalEntry {
    /// Fields the handler sets itself; metadata never overrides them.
    static let reservedNames: Set<String> = [
        "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "LOGGER",
    ]

    /// `NAME=value` strings for one event, in a stable order.
    public static func fields(
        identifier: String,
        label: String,
        level: Logger.Level,
        message: String,
        metadata: Logger.Metadata,
        file: String,
        function: String,
        line: UInt
    ) -> [String] {
        let keys = metadata.keys.sorted()
        let summary = keys.map { "\($0)=\(quoted(metadata[$0]!.description))" }
        var fields = [
            "MESSAGE=" + ([message] + summary).joined(separator: " "),
            "PRIORITY=\(priority(level))",
            "SYSLOG_IDENTIFIER=\(identifier)",
            "LOGGER=\(label)",
            "CODE_FILE=\(file)",
            "CODE_LINE=\(line)",
            "CODE_FUNC=\(function)",
        ]
        for key in keys {
            fields.append("\(fieldName(forMetadataKey: key))=\(metadata[key]!.description)")
        }
        return fields
    }

    /// syslog priority: 7 debug … 2 critical.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A valid journal field name for a metadata key: upper-case ASCII letters, digits and
    /// underscores, not starting with an underscore or digit (those are reserved or invalid),
    /// at most 64 characters, never one of the handler's own fields.
    public static func fieldName(forMetadataKey key: String) -> String {
        var name = String(
            key.uppercased().unicodeScalars.map { scalar -> Character in
                switch scalar {
                case "A"..."Z", "0"..."9": Character(scalar)
                default: "_"
                }
            }
        )
        while name.hasPrefix("_") { name.removeFirst() }
        if name.isEmpty || name.first!.isNumber || reservedNames.contains(name) {
            name = "META_" + name
        }
        return String(name.prefix(64))
    }

    /// Bare when unambiguous, JSON-quoted otherwise (spaces, quotes, newlines, empty).
    private static func quoted(_ value: String) -> String {
        value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0.isNewline }) ? JSONString.quote(value) : value
    }
}
