import AsyncHTTPClient
import DockerEngine
import Foundation
import RuntimeSpec
import TestFixtures
import Testing

/// A dockerd that answers the head and then stalls the body must not hold a call past its
/// deadline. The engine is a Python stand-in on a unix socket: no real dockerd stalls on demand.
@Suite("Docker answers that stall")
struct StallingEngineTests {
    /// Answers every request with a 200 head and one byte of a 1,000-byte body, then holds the
    /// connection open for 15 s.
    static let stallingEngine = """
        import os, socket, sys, threading, time
        path = sys.argv[1]
        server = socket.socket(socket.AF_UNIX)
        server.bind(path)
        server.listen(8)
        print("ready", flush=True)
        def serve(connection):
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: 1000\\r\\n\\r\\n{")
            time.sleep(15)
            connection.close()
        while True:
            connection, _ = server.accept()
            threading.Thread(target=serve, args=(connection,), daemon=True).start()
        """

    /// Answers `/version` as Docker 20.10 does and opens `/events` with a 200 head, then never
    /// writes and never ends it, whatever `until` asked for: a dockerd that stopped answering.
    static let silentEvents = """
        import socket, sys, threading, time
        path = sys.argv[1]
        server = socket.socket(socket.AF_UNIX)
        server.bind(path)
        server.listen(8)
        print("ready", flush=True)
        def serve(connection):
            while True:
                request = connection.recv(65536)
                if not request:
                    return
                if b"/version" in request:
                    body = b'{"ApiVersion":"1.44","MinAPIVersion":"1.24"}'
                    connection.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n%s" % (len(body), body))
                else:
                    connection.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n")
                    time.sleep(60)
                    return
        while True:
            connection, _ = server.accept()
            threading.Thread(target=serve, args=(connection,), daemon=True).start()
        """

    @Test func anEventStreamSilentPastItsWindowIsATimeout() async throws {
        try await withStandIn(Self.silentEvents) { socketPath in
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let client = try await DockerClient.connect(http: http, socketPath: socketPath, callTimeout: .seconds(1))
            let started = ContinuousClock.now
            // Without the window's deadline this would wait as long as the stand-in holds the
            // stream: a stalled dockerd would leave failoverd trusting a feed that says nothing.
            await #expect {
                try await client.followEvents(
                    filters: ["type": ["container"]],
                    subject: "cloud",
                    window: .seconds(1),
                    grace: .seconds(1),
                    onOpen: {},
                    onEvent: { _ in }
                )
            } throws: { error in
                (error as? DockerError)?.kind == .timeout
            }
            #expect(ContinuousClock.now - started < .seconds(10))
            try await http.shutdown()
        }
    }

    @Test func aBodyThatStallsAfterTheHeadEndsAtTheCallsDeadline() async throws {
        try await withStandIn(Self.stallingEngine) { socketPath in
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            // Without the body's deadline the call would end only when the engine closes, 15 s
            // later, as a closed connection rather than a timeout.
            await #expect {
                _ = try await DockerClient.connect(http: http, socketPath: socketPath, callTimeout: .seconds(1))
            } throws: { error in
                (error as? DockerError)?.kind == .timeout
            }
            try await http.shutdown()
        }
    }

    /// Runs `script` (a Python engine stand-in) on a fresh unix socket for `body`.
    private func withStandIn(_ script: String, _ body: (String) async throws -> Void) async throws {
        let socketPath = NSTemporaryDirectory() + "stalling-docker-\(UInt32.random(in: 0...UInt32.max)).sock"
        defer { try? FileManager.default.removeItem(atPath: socketPath) }
        try await StandIn.run(script, arguments: [socketPath]) { _ in try await body(socketPath) }
    }
}
