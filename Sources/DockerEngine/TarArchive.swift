import RuntimeSpec

/// The little of the tar format the Engine API's archive calls need: writing a few small files
/// and directories (secrets into a container) and reading one small file back (`/etc/passwd`).
/// POSIX ustar, names up to 100 bytes.
public enum TarArchive {
    /// One entry to write.
    public struct Entry: Sendable, Equatable {
        /// Path inside the archive, relative (`run/secrets/db`); a directory's ends without `/`.
        public var path: String
        /// Permission bits, e.g. 0o400.
        public var mode: Int
        /// The file's bytes; nil makes a directory.
        public var contents: [UInt8]?
        /// The owner, as dockerd keeps it (numbers, as the container sees them).
        public var owner: ContainerUser

        /// A regular file.
        public static func file(_ path: String, mode: Int, owner: ContainerUser, contents: [UInt8]) -> Entry {
            Entry(path: path, mode: mode, contents: contents, owner: owner)
        }

        /// A directory.
        public static func directory(_ path: String, mode: Int, owner: ContainerUser) -> Entry {
            Entry(path: path, mode: mode, contents: nil, owner: owner)
        }
    }

    private static let block = 512

    /// The archive of `entries`. dockerd keeps each entry's owner as written (its `copyUIDGID`
    /// would look a user name up on the host, not in the container, in Docker 20.10).
    public static func write(_ entries: [Entry]) -> [UInt8] {
        var archive: [UInt8] = []
        for entry in entries {
            var header = [UInt8](repeating: 0, count: block)
            func put(_ text: String, at offset: Int, width: Int) {
                for (index, byte) in text.utf8.prefix(width).enumerated() { header[offset + index] = byte }
            }
            func octal(_ value: Int, at offset: Int, width: Int) {
                let digits = String(value, radix: 8)
                put(String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, at: offset, width: width - 1)
            }
            put(entry.contents == nil ? entry.path + "/" : entry.path, at: 0, width: 100)
            octal(entry.mode, at: 100, width: 8)
            octal(entry.owner.uid, at: 108, width: 8)
            octal(entry.owner.gid, at: 116, width: 8)
            octal(entry.contents?.count ?? 0, at: 124, width: 12)
            octal(0, at: 136, width: 12)
            header[156] = entry.contents == nil ? UInt8(ascii: "5") : UInt8(ascii: "0")
            put("ustar", at: 257, width: 6)
            put("00", at: 263, width: 2)
            // The checksum is summed with its own field as eight spaces.
            for index in 148..<156 { header[index] = UInt8(ascii: " ") }
            let sum = header.reduce(0) { $0 + Int($1) }
            octal(sum, at: 148, width: 7)
            archive += header
            if let contents = entry.contents {
                archive += contents
                archive += [UInt8](repeating: 0, count: (block - contents.count % block) % block)
            }
        }
        return archive + [UInt8](repeating: 0, count: 2 * block)
    }

    /// The contents of the first regular file in `archive` whose name, without leading `./`
    /// or `/`, ends with `name`; nil when there is none or the archive is cut short.
    public static func file(named name: String, in archive: [UInt8]) -> [UInt8]? {
        var offset = 0
        while offset + block <= archive.count {
            let header = archive[offset..<offset + block]
            guard header.contains(where: { $0 != 0 }) else { return nil }
            let rawName = header.prefix(100).prefix { $0 != 0 }
            let path = String(decoding: rawName, as: UTF8.self)
            let sizeField = String(decoding: header.dropFirst(124).prefix(12).prefix { $0 != 0 && $0 != UInt8(ascii: " ") }, as: UTF8.self)
            guard let size = Int(sizeField.isEmpty ? "0" : sizeField, radix: 8), size >= 0 else { return nil }
            let type = header[header.startIndex + 156]
            let start = offset + block
            guard start + size <= archive.count else { return nil }
            let isFile = type == UInt8(ascii: "0") || type == 0
            if isFile && (path == name || path.hasSuffix("/" + name)) {
                return Array(archive[start..<start + size])
            }
            offset = start + (size + block - 1) / block * block
        }
        return nil
    }
}
