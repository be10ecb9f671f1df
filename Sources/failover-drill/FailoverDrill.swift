import ArgumentParser
import AsyncHTTPClient
import DrillLoad
import Foundation
import NIOCore
import ProcessTelemetry

/// `failover-drill`: the drill's client side. `load` sends steady traffic through HAProxy and
/// records every request (for the lab's report and timeline); `probe` waits until a given site
/// serves (for the simulate scripts and tests).
@main
struct FailoverDrill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover-drill",
        abstract: "Drill client: steady recorded load, or a probe that waits for a site to serve.",
        version: BuildInfo.versionLine("failover-drill"),
        subcommands: [Load.self, Probe.self],
        defaultSubcommand: Load.self
    )
}

/// `failover-drill load`: open-loop load recorded as JSON lines.
struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send steady load to a URL and record every request as JSON lines.")

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
        let generator = LoadGenerator(url: url, rate: rate, duration: .seconds(duration), requestTimeout: .milliseconds(timeoutMs))
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: generator.connectionLimit)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
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
        for signal in signals { signal.cancel() }
        try await client.shutdown()
        writer.close()
    }
}

/// `failover-drill probe`: fresh-connection probes until a site serves; exit 0 when it served in
/// time and no more than `--max-failures` probes failed.
struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Probe a URL until the given site serves it; report time and failed probes.")

    @Option(help: "URL to probe (through HAProxy).") var url: String
    @Option(help: "Stop once this site has served for --settle seconds.") var untilSite: String
    @Option(help: "Seconds between probes.") var interval: Double = 0.05
    @Option(help: "Give up after this many seconds.") var timeout: Double = 60
    @Option(help: "Keep probing this long after the site first served.") var settle: Double = 2
    @Option(help: "Fail if more probes failed (-1: no limit).") var maxFailures: Int = -1
    @Flag(help: "Print a JSON summary on stdout.") var json = false

    func validate() throws {
        guard interval > 0, interval <= 10 else { throw ValidationError("--interval must be in (0, 10] seconds") }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be in (0, 3600] seconds") }
        guard settle >= 0 else { throw ValidationError("--settle must be >= 0") }
    }

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let probe = SiteProbe(url: url, untilSite: untilSite, interval: .seconds(interval), timeout: .seconds(timeout), settle: .seconds(settle))
        let summary = await probe.run(client: client)
        try await client.shutdown()
        let sites = summary.bySite.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        let outcome =
            summary.secondsUntilServed.map { "\(untilSite) serves after \(String(format: "%.3f", $0)) s" }
            ?? "\(untilSite) did not serve within \(Int(timeout)) s"
        FileHandle.standardError.write(Data("\(outcome); \(summary.failed) of \(summary.probes) probes failed; answers by site: {\(sites)}\n".utf8))
        if json {
            print(String(decoding: try JSONEncoder().encode(summary), as: UTF8.self))
        }
        if !summary.served || (maxFailures >= 0 && summary.failed > maxFailures) {
            throw ExitCode(1)
        }
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
