import AsyncHTTPClient
import DockerEngine
import Foundation
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

    @Test func aBodyThatStallsAfterTheHeadEndsAtTheCallsDeadline() async throws {
        let socketPath = NSTemporaryDirectory() + "stalling-docker-\(UInt32.random(in: 0...UInt32.max)).sock"
        let engine = Process()
        engine.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        engine.arguments = ["-c", Self.stallingEngine, socketPath]
        let output = Pipe()
        engine.standardOutput = output
        // Not the test runner's stderr: a child holding it open keeps `swift test` waiting.
        engine.standardError = FileHandle.nullDevice
        try engine.run()
        defer {
            // SIGKILL: the runner ignores SIGTERM (signal tests), and a child inherits that.
            kill(engine.processIdentifier, SIGKILL)
            engine.waitUntilExit()
            try? FileManager.default.removeItem(atPath: socketPath)
        }
        _ = output.fileHandleForReading.availableData  // "ready": the socket listens

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
