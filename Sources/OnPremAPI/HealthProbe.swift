#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Probes `GET /health` on a local port with plain sockets.
///
/// The image is `FROM scratch`: there is no shell or curl for a Docker `HEALTHCHECK`, so the
/// binary checks itself. Plain POSIX sockets keep the probe free of an HTTP client dependency.
public enum HealthProbe {
    /// Why a probe failed.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case badAddress(String)
        case connect(errno: Int32)
        case io(errno: Int32)
        case status(String)

        public var description: String {
            switch self {
            case .badAddress(let host): "not a numeric IPv4 address: \(host)"
            case .connect(let code): "connect failed: \(String(cString: strerror(code)))"
            case .io(let code): "request failed: \(String(cString: strerror(code)))"
            case .status(let line): "unhealthy answer: \(line)"
            }
        }
    }

    /// Succeeds only when the server answers `200` within `timeoutSeconds`.
    public static func check(host: String, port: Int, timeoutSeconds: Int) throws(Failure) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw .badAddress(host) }

        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .connect(errno: errno) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw .connect(errno: errno) }

        let request = Array("GET /health HTTP/1.0\r\nHost: \(host):\(port)\r\nUser-Agent: onprem-api-healthcheck\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { throw .io(errno: errno) }

        var buffer = [UInt8](repeating: 0, count: 512)
        let received = recv(fd, &buffer, buffer.count, 0)
        guard received > 0 else { throw .io(errno: errno) }
        let statusLine = String(decoding: buffer[..<received], as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? ""
        guard statusLine.hasPrefix("HTTP/1.1 200") || statusLine.hasPrefix("HTTP/1.0 200") else {
            throw .status(statusLine)
        }
    }
}
