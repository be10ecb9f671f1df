#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole lines to stdout or stderr, each with one unbuffered `write(2)` loop: lines from
/// concurrent writers never interleave, and a line survives a crash that follows it.
public enum StandardStream: Sendable {
    /// Standard output.
    case output
    /// Standard error: what a person must read, apart from the program's output.
    case error

    /// Writes `line` and a newline.
    public func writeLine(_ line: String) {
        let descriptor = self == .output ? STDOUT_FILENO : STDERR_FILENO
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }
}
