/// Reads the status codes of the HTTP/1.1 responses in a reply, in order.
enum ResponseStatuses {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// The first response must be well-formed, and each later one (answers to pipelined requests)
    /// is read as far as it can be framed: the fuzzer may pipeline a `HEAD`, whose answer
    /// declares a length it does not send.
    static func parse(_ reply: [UInt8]) throws(Malformed) -> [Int] {
        var statuses: [Int] = []
        var rest = reply[...]
        while !rest.isEmpty {
            guard let (status, next) = response(in: rest) else {
                if statuses.isEmpty { throw Malformed(description: "the first response is not well-formed HTTP/1.1") }
                break
            }
            statuses.append(status)
            rest = next
        }
        return statuses
    }

    /// The status of the response at the start of `bytes` and what follows it, nil when it
    /// does not start with a status line, a header block and a body of its declared length.
    private static func response(in bytes: ArraySlice<UInt8>) -> (Int, ArraySlice<UInt8>)? {
        let prefix = Array("HTTP/1.1 ".utf8)
        guard bytes.starts(with: prefix), bytes.count >= prefix.count + 3 else { return nil }
        let digits = bytes.dropFirst(prefix.count).prefix(3)
        guard let status = Int(String(decoding: digits, as: UTF8.self)), let headEnd = firstBlankLine(in: bytes) else { return nil }
        let head = String(decoding: bytes[bytes.startIndex..<headEnd], as: UTF8.self).lowercased()
        var length = 0
        for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
            guard let declared = Int(line.dropFirst("content-length:".count).filter { $0 != " " }) else { return nil }
            length = declared
        }
        let bodyStart = headEnd + 4
        guard bytes.endIndex - bodyStart >= length else { return nil }
        return (status, bytes[(bodyStart + length)...])
    }

    private static func firstBlankLine(in bytes: ArraySlice<UInt8>) -> Int? {
        let blank = Array("\r\n\r\n".utf8)
        var index = bytes.startIndex
        while index + blank.count <= bytes.endIndex {
            if bytes[index..<(index + blank.count)].elementsEqual(blank) { return index }
            index += 1
        }
        return nil
    }
}
