import Foundation

/// A Python stand-in for a dependency that misbehaves on demand (a dockerd or an Alertmanager
/// that stalls), run for the length of a test.
public enum StandIn {
    /// Runs `script` with `arguments`, waits for its first line on stdout (it prints one once it
    /// listens: "ready", or the port it took), calls `body` with that line, and kills it after.
    public static func run(_ script: String, arguments: [String] = [], _ body: (String) async throws -> Void) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        // Not the test runner's stderr: a child holding it open keeps `swift test` waiting.
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            // SIGKILL: the runner ignores SIGTERM (signal tests), and a child inherits that.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        try await body(line.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
