#if canImport(Glibc)
import Glibc
#endif

/// Whether this process's output goes to journald, per systemd.exec(5)'s `JOURNAL_STREAM`.
///
/// The variable is inherited by children whose output was redirected elsewhere, so it counts
/// only when its `device:inode` names the stream stdout or stderr really is.
public enum JournalStream {
    /// True when stdout or stderr is the journal stream systemd set up.
    public static func isConnected(environment: [String: String]) -> Bool {
        guard let value = environment["JOURNAL_STREAM"], let expected = parse(value) else { return false }
        return [STDOUT_FILENO, STDERR_FILENO].contains { descriptor in
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { return false }
            return UInt64(status.st_dev) == expected.device && UInt64(status.st_ino) == expected.inode
        }
    }

    /// Parses `device:inode` (both decimal), or nil when malformed.
    public static func parse(_ value: String) -> (device: UInt64, inode: UInt64)? {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return nil }
        return (device, inode)
    }
}
