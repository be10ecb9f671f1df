import ArgumentParser
import AsyncHTTPClient
import DrillLoad
import Foundation

/// `failover-drill`: steady client load through HAProxy that records every request as a JSON
/// line (time, status, latency, serving site), for the lab drill's report and timeline.
@main
struct FailoverDrill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover-drill",
        abstract: "Send steady load to a URL and record every request as JSON lines."
    )

    @Option(help: "URL to load (through HAProxy).") var url: String
    @Option(help: "Requests per second (1...500).") var rate: Double = 50
    @Option(help: "Seconds to run (1...900); SIGINT/SIGTERM end it early.") var duration: Int = 60
    @Option(help: "Per-request timeout in milliseconds.") var timeoutMs: Int = 1000
    @Option(help: "Where to write the JSON lines.") var out: String

    func validate() throws {
        guard (1...500).contains(rate) else { throw ValidationError("--rate must be 1...500") }
        guard (1...900).contains(duration) else { throw ValidationError("--duration must be 1...900 seconds") }
        guard timeoutMs > 0 else { throw ValidationError("--timeout-ms must be positive") }
    }

    func run() async throws {
        guard FileManager.default.createFile(atPath: out, contents: nil), let handle = FileHandle(forWritingAtPath: out) else {
            throw ValidationError("cannot write \(out)")
        }
        let writer = LineWriter(handle: handle)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let generator = LoadGenerator(url: url, rate: rate, duration: .seconds(duration), requestTimeout: .milliseconds(timeoutMs))
        // End the run early (but cleanly, with every record written) on SIGINT or SIGTERM.
        let run = Task { await generator.run(client: client) { writer.write($0) } }
        let signals = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { run.cancel() }
            source.resume()
            return source
        }
        await run.value
        signals.forEach { $0.cancel() }
        try await client.shutdown()
        writer.close()
    }
}

/// Serialises record lines to one file from concurrent requests.
final class LineWriter: Sendable {
    private let handle: FileHandle
    private let lock = NSLock()

    init(handle: FileHandle) { self.handle = handle }

    func write(_ record: RequestRecord) {
        guard var line = try? JSONEncoder().encode(record) else { return }
        line.append(0x0A)
        lock.lock()
        handle.write(line)
        lock.unlock()
    }

    func close() {
        lock.lock()
        try? handle.close()
        lock.unlock()
    }
}
