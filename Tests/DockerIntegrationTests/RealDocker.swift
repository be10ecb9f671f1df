import AsyncHTTPClient
import DockerEngine
import FoundationEssentials
import NIOCore
import NIOHTTP1
import RuntimeSpec
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// These tests talk to a real dockerd. `make test` starts one; without a socket they are
/// skipped locally, but `REQUIRE_DOCKER=1` (set by CI) turns a missing dockerd into a failure.
enum RealDocker {
    /// dockerd's socket, or a socket proxy's in front of it (`DOCKER_SOCKET`): the suite passing
    /// through the shipped proxy shows it allows every call failoverd makes.
    static let socketPath = ProcessInfo.processInfo.environment["DOCKER_SOCKET"] ?? "/var/run/docker.sock"
    static let image = ProcessInfo.processInfo.environment["TEST_IMAGE"] ?? "onprem-api:latest"

    static var isRequired: Bool { ProcessInfo.processInfo.environment["REQUIRE_DOCKER"] == "1" }
    static var isAvailable: Bool { access(socketPath, F_OK) == 0 }
    static var enabled: Bool { isAvailable || isRequired }

    /// A unique container name per test, so parallel tests never collide.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// A loopback TCP port nothing listens on right now.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs `body` with a connected client, then removes the named containers whether the body
    /// passed or failed, and shuts the HTTP client down.
    static func withClient(removing names: [String] = [], _ body: (DockerClient, HTTPClient) async throws -> Void) async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        var failure: (any Error)?
        do {
            let client = try await DockerClient.connect(http: http, socketPath: socketPath)
            do {
                try await body(client, http)
            } catch {
                failure = error
            }
            for name in names {
                try? await client.removeContainer(id: name)
            }
        } catch {
            failure = error
        }
        try await http.shutdown()
        if let failure { throw failure }
    }

    /// `GET url`'s JSON body (a service's answer), within 5 s.
    static func getJSON(_ url: String, http: HTTPClient) async throws -> JSONValue {
        let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        return try JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))
    }

    /// The whole of `docker inspect NAME`, as dockerd answers it.
    static func inspect(_ name: String, http: HTTPClient) async throws -> JSONValue {
        try await engine(.GET, "/containers/\(name)/json", http: http)
    }

    /// Removes a named volume a test made.
    static func removeVolume(_ name: String) async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { Task { try? await http.shutdown() } }
        _ = try? await engine(.DELETE, "/volumes/\(name)", http: http)
    }

    private static func engine(_ method: HTTPMethod, _ path: String, http: HTTPClient) async throws -> JSONValue {
        var request = HTTPClientRequest(url: URL(httpURLWithSocketPath: socketPath, uri: path)!.absoluteString)
        request.method = method
        request.headers.add(name: "Host", value: "docker")
        let response = try await http.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 4 << 20)
        return body.readableBytes == 0 ? .null : try JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))
    }
}

/// A directory under /tmp for the files a spec names, removed when the test ends.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/failoverd-own-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        // dockerd (root) reads the bind's source; the copy's user must be able to enter it.
        chmod(path, 0o755)
    }

    /// Writes `text` to `name` inside, with `mode`.
    func write(_ text: String, to name: String, mode: mode_t) throws {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        chmod(file, mode)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
