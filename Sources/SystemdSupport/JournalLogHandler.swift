import CSystemd
import Logging
import ServiceSupport

#if canImport(Glibc)
import Glibc
#endif

/// A `LogHandler` that writes structured entries to journald through `sd_journal_sendv`.
///
/// If journald refuses an entry (restarting, full), the event goes to `fallback` instead, so
/// nothing is dropped silently.
public struct JournalLogHandler: LogHandler {
    /// Metadata merged into every event.
    public var metadata: Logger.Metadata = [:]
    /// Minimum level written.
    public var logLevel: Logger.Level
    /// Optional provider for task-local metadata.
    public var metadataProvider: Logger.MetadataProvider?

    private let identifier: String
    private let label: String
    private var fallback: any LogHandler

    /// Creates a handler; `identifier` is `SYSLOG_IDENTIFIER`, what `journalctl -t` filters on.
    public init(identifier: String, label: String, level: Logger.Level = .info, fallback: any LogHandler) {
        self.identifier = identifier
        self.label = label
        self.logLevel = level
        self.fallback = fallback
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let fields = JournalEntry.fields(
            identifier: identifier,
            label: label,
            level: event.level,
            message: event.message.description,
            metadata: event.mergedMetadata(handler: metadata, provider: metadataProvider),
            file: event.file,
            function: event.function,
            line: event.line
        )
        guard Self.send(fields) < 0 else { return }
        var fallback = fallback
        fallback.metadata = metadata
        fallback.metadataProvider = metadataProvider
        fallback.log(event: event)
    }

    /// Hands the fields to journald as one iovec each; returns sd_journal_sendv's result.
    private static func send(_ fields: [String]) -> Int32 {
        let buffers = fields.map { field -> UnsafeMutableBufferPointer<UInt8> in
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: field.utf8.count)
            _ = buffer.initialize(from: field.utf8)
            return buffer
        }
        defer {
            for buffer in buffers { buffer.deallocate() }
        }
        let vectors = buffers.map { iovec(iov_base: UnsafeMutableRawPointer($0.baseAddress), iov_len: $0.count) }
        return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
    }
}
