import FoundationEssentials
import Hummingbird
import HummingbirdTesting
import Logging
import OnPremAPI
import Prometheus
import ServiceSupport
import Synchronization

/// Collects what the app under test logged and whether it asked to crash.
final class Recorder: Sendable {
    private let lines = Mutex<[String]>([])
    private let crashes = Atomic<Int>(0)

    var logLines: [String] { lines.withLock { $0 } }
    var crashCount: Int { crashes.load(ordering: .relaxed) }

    func record(_ line: String) { lines.withLock { $0.append(line) } }
    func recordCrash() { crashes.add(1, ordering: .relaxed) }

    /// Access-log lines decoded as JSON objects.
    func requestLogs() throws -> [[String: String]] {
        try logLines.map { try JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
            .filter { $0["message"] == "request" }
    }
}

/// An app built exactly as `main` builds it, but with a private registry, a capturing logger
/// and a crash hook that records instead of exiting.
struct TestApp {
    let registry = PrometheusCollectorRegistry()
    let recorder = Recorder()
    let state = ServingState()
    let configuration: OnPremAPIConfiguration
    let randomUnit: @Sendable () -> Double

    init(
        faults: Bool = false,
        failureRate: Double = 0,
        site: String = "onprem",
        randomUnit: @escaping @Sendable () -> Double = { 0.5 }
    ) {
        var configuration = OnPremAPIConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.site = site
        configuration.faultInjectionEnabled = faults
        configuration.failureRate = failureRate
        self.configuration = configuration
        self.randomUnit = randomUnit
    }

    func make() -> some ApplicationProtocol {
        let recorder = self.recorder
        let logger = Logger(label: "test") { label in
            JSONLogHandler(label: label, metadata: ["site": .string(configuration.site)], sink: { recorder.record($0) })
        }
        let dependencies = OnPremAPIDependencies(
            registry: registry,
            identity: ProcessIdentity(hostname: "test-host", version: "9.9.9+git1a2b3c4"),
            crash: { recorder.recordCrash() },
            randomUnit: randomUnit,
            logger: logger
        )
        return buildApplication(configuration: configuration, dependencies: dependencies, state: state)
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The body decoded as a JSON object of strings.
    func json() throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }

    /// Hummingbird's error message for an `HTTPError`.
    func errorMessage() throws -> String {
        struct Envelope: Decodable {
            struct Inner: Decodable { let message: String }
            let error: Inner
        }
        return try JSONDecoder().decode(Envelope.self, from: Data(text.utf8)).error.message
    }
}
