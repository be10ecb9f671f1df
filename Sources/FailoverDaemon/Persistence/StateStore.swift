import FailoverCore
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// Persists the engine state as JSON in the state directory, atomically and durably.
///
/// Write path: temp file → fsync → rename over the old file → fsync the directory, so a crash or
/// SIGKILL at any point leaves either the old or the new state, never a torn file.
public struct StateStore: Sendable {
    /// What `load` found.
    public enum Loaded: Sendable, Equatable {
        /// No state file yet (first start).
        case fresh
        /// A readable state.
        case restored(FailoverState)
        /// A file that could not be read or decoded: moved aside to `movedTo` when the
        /// directory allowed it (nil on a read-only file system); `paused` is the operator's
        /// switch when it could still be read from it, so maintenance stays paused.
        case corrupt(movedTo: String?, reason: String, paused: Bool)
    }

    /// A file-system failure, naming the path and errno text.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed and where.
        public var description: String
    }

    /// The directory holding `state.json`.
    public let directory: String
    /// The state file's path.
    public var path: String { directory + "/state.json" }

    /// Creates a store in `directory` (created on first save if missing).
    public init(directory: String) {
        self.directory = directory
    }

    /// Reads the state. A file that cannot be read or decoded is renamed aside, never over an
    /// earlier one, so the daemon can rebuild and an operator can inspect it; where it cannot
    /// be moved (a read-only file system) it stays, and the daemon runs on in memory.
    public func load(now: Date) -> Loaded {
        let bytes: Data
        do throws(Failure) {
            guard let read = try readFile(path) else { return .fresh }
            bytes = read
        } catch {
            return .corrupt(movedTo: moveAside(now: now), reason: error.description, paused: false)
        }
        do {
            return .restored(try StateFile.decode(bytes))
        } catch {
            return .corrupt(movedTo: moveAside(now: now), reason: "\(error)", paused: Self.pausedFlag(in: bytes))
        }
    }

    /// Whether an unreadable state file still says automation was paused: decoded when the
    /// JSON is whole, else looked for as the text a save writes. Erring towards paused keeps an
    /// operator's maintenance safe.
    static func pausedFlag(in bytes: Data) -> Bool {
        struct Flags: Decodable { var paused: Bool? }
        if let flags = try? JSONDecoder().decode(Flags.self, from: bytes) { return flags.paused ?? false }
        let text = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
        return text.contains(#""paused":true"#)
    }

    /// Renames the state file to `state.json.corrupt-<time>[-n]`; nil when it cannot be moved.
    private func moveAside(now: Date) -> String? {
        let stamp = RFC3339.format(now).filter { $0.isNumber || $0 == "T" }
        for attempt in 0..<100 {
            let aside = "\(path).corrupt-\(stamp)" + (attempt == 0 ? "" : "-\(attempt)")
            guard access(aside, F_OK) != 0 else { continue }
            return rename(path, aside) == 0 ? aside : nil
        }
        return nil
    }

    /// Writes the state atomically and durably.
    public func save(_ state: FailoverState) throws(Failure) {
        let data: Data
        do {
            data = try StateFile.encode(state)
        } catch {
            throw Failure(description: "cannot encode state: \(error)")
        }
        // With several services, each has its own directory below the state directory.
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("open \(temporary)") }
        var written = 0
        let ok = data.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n <= 0 { return false }
                written += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok else {
            let error = failure("write \(temporary)")
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else { throw failure("rename \(temporary) -> \(path)") }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    private func readFile(_ path: String) throws(Failure) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw failure("open \(path)")
        }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 { throw failure("read \(path)") }
            if n == 0 { break }
            data.append(contentsOf: buffer[..<n])
        }
        return data
    }

    private func failure(_ what: String) -> Failure {
        Failure(description: "\(what): \(String(cString: strerror(errno)))")
    }
}
