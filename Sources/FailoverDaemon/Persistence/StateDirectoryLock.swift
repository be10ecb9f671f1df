import FailoverCore

#if canImport(Glibc)
import Glibc
#endif

/// Makes this process the only failoverd deciding over a state directory.
///
/// Two daemons on one state (a unit and a by-hand `serve`) each act on their own half of the
/// webhooks and stop the copy the other started, during the outage. An exclusive `flock` on
/// `<state directory>/lock`, held until the process ends (the kernel drops it on any exit, a
/// SIGKILL included), so a restart never waits for a stale lock.
public final class StateDirectoryLock: Sendable {
    /// Another process holds the lock.
    public struct Held: Error, CustomStringConvertible {
        /// The lock file.
        public var path: String
        /// The holder's pid as it wrote it, if readable.
        public var holder: Int32?

        public var description: String {
            "another failoverd (pid \(holder.map(String.init) ?? "unknown")) uses this state directory (\(path) is locked); "
                + "stop it, or give this one its own state_directory"
        }
    }

    /// The lock file could not be opened: the directory is missing, read-only or full.
    public struct Unavailable: Error, CustomStringConvertible {
        /// What failed, with the OS's reason.
        public var description: String
    }

    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Takes the lock on `directory`, writing this process's pid into the lock file.
    public static func acquire(directory: String) throws -> StateDirectoryLock {
        let path = directory + "/lock"
        mkdir(directory, 0o700)
        var descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        // On a file system that went read-only the lock file still locks; only the pid in it
        // cannot be refreshed.
        if descriptor < 0 && errno == EROFS { descriptor = open(path, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else {
            throw Unavailable(description: "open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            defer { close(descriptor) }
            guard reason == EWOULDBLOCK else {
                throw Unavailable(description: "flock \(path): \(String(cString: strerror(reason)))")
            }
            throw Held(path: path, holder: holderPID(descriptor))
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return StateDirectoryLock(descriptor: descriptor)
    }

    private static func holderPID(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingWhitespace())
    }

    deinit {
        close(descriptor)
    }
}
