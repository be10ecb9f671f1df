import Glibc

/// One request and its whole reply over a fresh loopback TCP connection, with blocking sockets:
/// the fuzzer's thread is its own, not one the daemon's tasks run on.
enum LoopbackExchange {
    struct Reply {
        var bytes: [UInt8]
        /// Whether the daemon closed the connection before the timeout.
        var endedInTime: Bool
    }

    /// Sends `request`, closes the sending side (so an incomplete request ends there), and reads
    /// until the daemon closes the connection or `timeout` seconds pass without a byte.
    static func send(_ request: [UInt8], toPort port: Int, timeout: Int) -> Reply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { fatalError("socket: errno \(errno)") }
        defer { close(fd) }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { fatalError("failoverd refused a connection: errno \(errno)") }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        // The daemon may close early (a malformed head); what it answered is still read below.
        _ = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(fd, Int32(SHUT_WR))
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                bytes += buffer[..<count]
            } else if count < 0, errno == EINTR {
                continue  // libFuzzer's timer signal (SIGALRM, every 601 s) interrupts the wait
            } else {
                // 0 is an orderly close, ECONNRESET a close with request bytes left unread.
                return Reply(bytes: bytes, endedInTime: count == 0 || errno == ECONNRESET)
            }
        }
    }

    /// A port no one listens on now, found by letting the kernel pick one.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let found = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard found else { fatalError("no free loopback port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }
}
