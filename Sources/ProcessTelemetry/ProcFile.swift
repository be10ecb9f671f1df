#if canImport(Glibc)
import Glibc
import ServiceSupport

/// Reads `/proc` files, whose size `stat` reports as 0, so they must be read to end of file.
enum ProcFile {
    /// The whole file as text (`TextFile` reads to end of file), or nil when it cannot be read.
    static func read(_ path: String) -> String? {
        try? TextFile.contents(of: path)
    }

    /// How many entries a directory has besides `.` and `..`, or nil when it cannot be listed.
    static func entryCount(_ path: String) -> Int? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [0x2E] && name != [0x2E, 0x2E] { count += 1 }
        }
        return count
    }
}
#endif
