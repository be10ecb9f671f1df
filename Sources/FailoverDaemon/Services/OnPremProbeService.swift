import AsyncHTTPClient
import FoundationEssentials
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// failoverd's own probe of on-prem: a GET of the probe URL at a fixed rate, each bounded by the
/// timeout. Failures in a row tell the controller on-prem is failing (a pre-warm), the first
/// success after that that it is back. Faster than Prometheus' scrape and rule evaluation, and
/// only ever a pre-warm: a lost probe path costs a pre-warmed copy, never traffic.
struct OnPremProbeService: Service {
    let settings: ProbeSettings
    let controller: FailoverController
    let metrics: DaemonMetrics
    let logger: Logger
    let clock: any DaemonClock

    func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: TimeAmount(settings.timeout), read: TimeAmount(settings.timeout))
        // A refused connection is a failed probe at once: retried, it would only fail at the
        // timeout, a crash would be seen as late as a hang, and the next probe is the retry.
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        logger.info("probing on-prem", metadata: ["probe.url": .string(settings.url), "probe.interval": .stringConvertible(settings.interval)])
        await cancelWhenGracefulShutdown {
            var tally = ProbeTally(failuresToFail: settings.failures)
            while !Task.isCancelled {
                let next = ContinuousClock.now + settings.interval
                let passed = await probe(with: client)
                // A probe cut short by shutdown says nothing about on-prem.
                guard !Task.isCancelled else { break }
                metrics.probe(passed: passed)
                if let verdict = tally.record(passed: passed, at: clock.now()) {
                    await controller.probeVerdict(failing: verdict.failing, since: verdict.since)
                }
                try? await Task.sleep(until: next)
            }
        }
        try? await client.shutdown()
    }

    /// One GET: passed when a 2xx head and its body arrive within the timeout.
    private func probe(with client: HTTPClient) async -> Bool {
        do {
            let response = try await client.execute(HTTPClientRequest(url: settings.url), timeout: TimeAmount(settings.timeout))
            _ = try await response.body.collect(upTo: 64 * 1024)
            return (200..<300).contains(response.status.code)
        } catch {
            return false
        }
    }
}

/// The probe's verdict from its results: failing after `failuresToFail` failures in a row,
/// passing again at the first success. Unknown until the first result, so the first one always
/// reports (a failing verdict saved before a restart is ended by a passing probe).
struct ProbeTally: Sendable {
    /// A verdict the controller should hear.
    struct Verdict: Equatable {
        var failing: Bool
        /// The first failed probe of a failing run; the time of the success for a passing one.
        var since: Date
    }

    let failuresToFail: Int
    private var failing: Bool?
    private var failuresInARow = 0
    private var firstFailureAt: Date?

    init(failuresToFail: Int) {
        self.failuresToFail = failuresToFail
    }

    /// Records one probe's result; returns the verdict when it changed.
    mutating func record(passed: Bool, at now: Date) -> Verdict? {
        if passed {
            failuresInARow = 0
            firstFailureAt = nil
            guard failing != false else { return nil }
            failing = false
            return Verdict(failing: false, since: now)
        }
        failuresInARow += 1
        let since = firstFailureAt ?? now
        firstFailureAt = since
        guard failing != true, failuresInARow >= failuresToFail else { return nil }
        failing = true
        return Verdict(failing: true, since: since)
    }
}
