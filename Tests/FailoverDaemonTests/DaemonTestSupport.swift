import FailoverCore
import FailoverDaemon
import FoundationEssentials
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus

#if canImport(Glibc)
import Glibc
#endif

let testToken = "test-token-0123456789abcdef"

/// A fresh, empty state directory under /tmp, removed by `cleanUp`.
func makeStateDirectory() -> String {
    var template = Array("/tmp/failoverd-test-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    return path
}

func removeDirectory(_ path: String) {
    _ = try? FileManager.default.removeItem(atPath: path)
}

/// A configuration for tests: loopback, tiny hold-down, fast reconcile.
func testConfiguration(stateDirectory: String, holdDown: Double = 0.3) -> FailoverdConfiguration {
    var configuration = FailoverdConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.stateDirectory = stateDirectory
    configuration.holdDownSeconds = holdDown
    configuration.reconcileIntervalSeconds = 0.05
    configuration.replyDeadlineSeconds = 1
    configuration.maximumBodyBytes = 4096
    configuration.tokenFile = "/unused"
    configuration.container.image = "onprem-api:latest"
    return configuration
}

/// Builds a daemon around a fake runtime.
func makeDaemon(_ runtime: FakeCloudContainer, stateDirectory: String, holdDown: Double = 0.3) async throws -> Failoverd<some ApplicationProtocol> {
    try await buildFailoverd(
        configuration: testConfiguration(stateDirectory: stateDirectory, holdDown: holdDown),
        token: testToken,
        dependencies: FailoverdDependencies(runtime: runtime, registry: PrometheusCollectorRegistry(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    )
}

/// A webhook body as Alertmanager would send it.
func webhookBody(_ status: String, fingerprint: String = "fp1", startsAt: String = "2026-11-23T10:00:00Z", endsAt: String = "0001-01-01T00:00:00Z", alertname: String = "OnPremDown") -> String {
    #"{"version":"4","status":"\#(status)","receiver":"failoverd","groupKey":"{}","truncatedAlerts":0,"alerts":[{"status":"\#(status)","labels":{"alertname":"\#(alertname)","site":"dc1"},"annotations":{},"startsAt":"\#(startsAt)","endsAt":"\#(endsAt)","generatorURL":"","fingerprint":"\#(fingerprint)"}]}"#
}

extension TestClientProtocol {
    /// POSTs a webhook with the test token.
    func postWebhook(_ body: String, authorization: String? = "Bearer \(testToken)", contentType: String = "application/json") async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: contentType]
        if let authorization { headers[.authorization] = authorization }
        return try await execute(uri: "/failover", method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}
