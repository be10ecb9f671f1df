import AsyncHTTPClient
import DockerEngine
import FoundationEssentials
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// These tests talk to a real dockerd. `make test` starts one; without a socket they are
/// skipped locally, but `REQUIRE_DOCKER=1` (set by CI) turns a missing dockerd into a failure.
enum RealDocker {
    static let socketPath = "/var/run/docker.sock"
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
}
