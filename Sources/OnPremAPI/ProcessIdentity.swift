import ProcessTelemetry

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What this process reports about itself in `GET /` and the info metric.
public struct ProcessIdentity: Sendable {
    /// Host (or container) name, so a response shows which machine served it.
    public var hostname: String
    /// The build's version.
    public var version: String

    /// Creates an identity with explicit values (tests).
    public init(hostname: String, version: String) {
        self.hostname = hostname
        self.version = version
    }

    /// Reads the host name from the kernel.
    public static func current() -> ProcessIdentity {
        var buffer = [CChar](repeating: 0, count: 256)
        let name =
            gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            : "unknown"
        return ProcessIdentity(hostname: name, version: BuildInfo.version)
    }
}
