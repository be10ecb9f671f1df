import FailoverCore
import FailoverDaemon
import FoundationEssentials
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import RuntimeSpec
import TestFixtures
import Testing

#if canImport(Glibc)
import Glibc
#endif

let testToken = "test-token-0123456789abcdef"

/// Writes a secret as an operator must: readable by its owner only (failoverd refuses a token
/// file other users can read).
func writeSecret(_ text: String, to path: String) throws {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    chmod(path, 0o600)
}

/// Writes `yaml` as a configuration file in a fresh directory, which the caller removes.
func writeConfigurationFile(_ yaml: String) throws -> (path: String, directory: String) {
    let directory = makeStateDirectory()
    let path = directory + "/c.yml"
    try #require(FileManager.default.createFile(atPath: path, contents: Data(yaml.utf8)))
    return (path, directory)
}

/// A fresh, empty state directory under /tmp, removed by `cleanUp`.
func makeStateDirectory() -> String {
    var template = Array("/tmp/failoverd-test-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    return path
}

func removeDirectory(_ path: String) {
    _ = try? FileManager.default.removeItem(atPath: path)
}

/// A configuration for tests: loopback, short hold-down, fast reconcile.
func testConfiguration(stateDirectory: String, holdDown: Duration = .seconds(30)) -> FailoverdConfiguration {
    var configuration = FailoverdConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.stateDirectory = stateDirectory
    configuration.service.holdDown = holdDown
    configuration.reconcileInterval = .milliseconds(50)
    configuration.replyDeadline = .seconds(1)
    configuration.maximumBodyBytes = 4096
    configuration.tokenFile = "/unused"
    configuration.service.container.image = "onprem-api:latest"
    return configuration
}

/// Builds a daemon around a fake runtime and a clock the test advances; with `services:` in
/// the configuration, `runtimes` gives each named service its own.
func makeDaemon(
    _ runtime: FakeCloudRuntime,
    runtimes: [String: FakeCloudRuntime] = [:],
    stateDirectory: String,
    holdDown: Duration = .seconds(30),
    clock: ManualClock = ManualClock(),
    logger: Logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
    configure: (inout FailoverdConfiguration) -> Void = { _ in },
    reloadConfiguration: (@Sendable () throws -> FailoverdConfiguration)? = nil,
    onStatus: @escaping @Sendable (String) -> Void = { _ in }
) async throws -> Failoverd<some ApplicationProtocol> {
    var configuration = testConfiguration(stateDirectory: stateDirectory, holdDown: holdDown)
    configure(&configuration)
    return try await buildFailoverd(
        configuration: configuration,
        token: testToken,
        dependencies: FailoverdDependencies(
            runtime: { service, _ in runtimes[service.name] ?? runtime },
            registry: PrometheusCollectorRegistry(),
            logger: logger,
            onStatus: onStatus,
            clock: clock,
            reloadConfiguration: reloadConfiguration
        )
    )
}

/// Polls `condition` every 10 ms for up to 5 s: for effects that happen on another task.
func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<500 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// The shared OnPremDown fixture as Alertmanager sends it, firing or resolved.
func webhookBody(_ status: String, endsAt: String? = nil) -> String {
    AlertmanagerFixture.body(status: status, endsAt: endsAt)
}

/// The fixture, decoded as the daemon decodes it.
func webhook(_ status: String, endsAt: String? = nil) throws -> AlertmanagerWebhook {
    try WebhookPayloadError.decode(Array(webhookBody(status, endsAt: endsAt).utf8))
}

extension TestClientProtocol {
    /// POSTs a webhook with the test token.
    func postWebhook(
        _ body: String,
        authorization: String? = "Bearer \(testToken)",
        contentType: String = "application/json"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: contentType]
        if let authorization { headers[.authorization] = authorization }
        return try await execute(uri: "/failover", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// `GET /metrics` with the test token, as a scrape configured with it does.
    func metrics() async throws -> TestResponse {
        try await execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(testToken)"])
    }
}
