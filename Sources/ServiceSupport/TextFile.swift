#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small text file (a configuration, a token, a password) read whole, failing with the
/// operating system's reason: "No such file or directory" and "Permission denied" call for
/// different fixes, and the operator should see which.
public enum TextFile {
    /// Why a file could not be read: its path and strerror(3)'s words.
    public struct ReadError: Error, CustomStringConvertible, Sendable {
        /// The file.
        public let path: String
        /// strerror(3)'s words: "No such file or directory", "Permission denied".
        public let reason: String
        public var description: String { "cannot read \(path): \(reason)" }
    }

    /// The file's bytes as UTF-8 text (invalid sequences replaced).
    public static func contents(of path: String) throws(ReadError) -> String {
        String(decoding: try bytes(of: path, secret: false), as: UTF8.self)
    }

    /// The file's bytes. With `secret`, a file every user may read is refused, naming its mode
    /// and the fix: a secret another user can read is no longer one.
    public static func bytes(of path: String, secret: Bool) throws(ReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        if secret {
            var info = stat()
            if fstat(descriptor, &info) == 0, info.st_mode & S_IROTH != 0 {
                let mode = String(info.st_mode & 0o777, radix: 8)
                throw ReadError(
                    path: path,
                    reason: "it is readable by every user (mode 0\(mode)); chmod 0640 it, owner root, group failoverd-secrets"
                )
            }
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return bytes
    }
}
