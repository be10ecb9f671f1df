import FailoverCore
import FailoverDaemon
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RuntimeSpec
import Testing

@Suite("failoverd HTTP contract")
struct WebhookHTTPTests {
    @Test func firingWebhookStartsTheCloudCopyAndAnswers200() async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        #expect(runtime.actual == .stopped, "bootstrap pre-creates the container")
        try await daemon.application.test(.router) { client in
            let response = try await client.postWebhook(webhookBody("firing"))
            #expect(response.status == .ok)
            let reply = try JSONDecoder().decode([String: JSONValue].self, from: Data(String(buffer: response.body).utf8))
            // The startup pass may be the one that starts it, when the webhook lands while it
            // looks at the runtime; then the webhook's own pass finds it running.
            #expect([.string("started"), .string("in_sync")].contains(reply["result"]))
            #expect(reply["desired"] == .string("running"))
        }
        #expect(runtime.starts == 1 && runtime.actual == .running)
    }

    @Test func aClientThatTricklesItsRequestIsDisconnectedButAnswersStillFlow() async throws {
        // setup: a 300 ms request timeout
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory) { $0.requestTimeout = .milliseconds(300) }
        try await daemon.application.test(.live) { client in
            let port = try #require(client.port)
            // act: headers sent, then one byte every 100 ms, never finishing the request
            let slow = try LoopbackSocket(port: port)
            slow.send("POST /failover HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
            let started = ContinuousClock.now
            var closed = false
            while !closed, ContinuousClock.now - started < .seconds(5) {
                try await Task.sleep(for: .milliseconds(100))
                closed = !slow.send("x") || slow.isClosedByPeer()
            }

            // check: the trickler is cut off near the timeout; a normal webhook is still answered
            #expect(closed)
            #expect(ContinuousClock.now - started < .seconds(2))
            let body = webhookBody("firing")
            let normal = try LoopbackSocket(port: port)
            normal.send(
                "POST /failover HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(testToken)\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            )
            #expect(await normal.receiveAll().hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func aClientAnsweredBeforeItsBodyCannotHoldTheConnection() async throws {
        // setup: a 300 ms request timeout
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory) { $0.requestTimeout = .milliseconds(300) }
        try await daemon.application.test(.live) { client in
            // act: a request with a wrong token is answered 401 from its head alone; its body
            // follows after the answer, then the client goes quiet
            let socket = try LoopbackSocket(port: try #require(client.port))
            socket.send("POST /failover HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\nContent-Length: 5\r\n\r\n")
            try await Task.sleep(for: .milliseconds(100))
            socket.send("12345")
            let started = ContinuousClock.now
            let reply = await socket.receiveAll()  // until the daemon closes, at most 5 s

            // check: the quiet connection is closed within about one request timeout
            #expect(reply.hasPrefix("HTTP/1.1 401"))
            #expect(ContinuousClock.now - started < .seconds(2))
        }
    }

    @Test func theReplyQuotesWhatTheSenderControls() async throws {
        // setup: a fingerprint with a quote, a backslash and a newline in it
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory)
        let body = webhookBody("firing").replacingOccurrences(of: #""fp1""#, with: #""fp\"1\\\n""#)
        try await daemon.application.test(.router) { client in
            // act
            let response = try await client.postWebhook(body)

            // check: valid JSON that gives back the fingerprint as sent
            struct Reply: Decodable {
                struct Verdict: Decodable { let fingerprint, status, outcome: String }
                let alerts: [Verdict]
                let summary: String
                let truncated_alerts: Int
            }
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let reply = try JSONDecoder().decode(Reply.self, from: Data(String(buffer: response.body).utf8))
            #expect(reply.alerts.map(\.fingerprint) == ["fp\"1\\\n"])
            #expect(reply.alerts.map(\.outcome) == ["applied"])
        }
    }

    @Test(arguments: [
        ("{not json", "body is not valid JSON"),
        (#"{"version":"3","status":"firing","alerts":[]}"#, "version: expected \"4\""),
        (#"{"version":"4","status":"firing","alerts":"x"}"#, "alerts: wrong type"),
        (#"{"version":"4","alerts":[]}"#, "status: required field is missing"),
        (#"{"version":"4","status":"firing","truncatedAlerts":-3,"alerts":[]}"#, "truncatedAlerts: must be 0 or more, got -3"),
    ])
    func malformedPayloadsGet400WithTheReason(_ body: String, _ reason: String) async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try await makeDaemon(runtime, stateDirectory: directory).application.test(.router) { client in
            let response = try await client.postWebhook(body)
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).contains(reason.replacingOccurrences(of: "\"", with: "\\\"")))
        }
        #expect(runtime.starts == 0)
    }

    @Test func oversizedBodyGets413() async throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory).application.test(.router) { client in
            let response = try await client.postWebhook(String(repeating: " ", count: 5000) + webhookBody("firing"))
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test func aBrokenChunkedBodyGets400NotTooLarge() async throws {
        // setup: a chunk that declares 3 bytes and carries more (as the HTTP fuzzer sent it)
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory)
        try await daemon.application.test(.live) { client in
            let socket = try LoopbackSocket(port: try #require(client.port))
            socket.send(
                "POST /failover HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(testToken)\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n3\r\n{\"version\":\"4\"}\r\n0\r\n\r\n"
            )
            let reply = await socket.receiveAll()
            #expect(reply.hasPrefix("HTTP/1.1 400"), "\(reply)")
            #expect(reply.contains("the request body could not be read"))
        }
    }

    @Test(arguments: [
        ("text/plain", false), ("application/jsonx", false), ("application/json-seq", false),
        ("application/json", true), ("Application/JSON; charset=utf-8", true),
    ])
    func onlyTheJSONMediaTypeIsTaken(_ contentType: String, _ taken: Bool) async throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory).application.test(.router) { client in
            let response = try await client.postWebhook(webhookBody("firing"), contentType: contentType)
            #expect(response.status == (taken ? .ok : .unsupportedMediaType))
        }
    }

    @Test(arguments: ["bearer", "BEARER", "Bearer"])
    func theAuthorizationSchemeIsCaseInsensitive(_ scheme: String) async throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory).application.test(.router) { client in
            let response = try await client.postWebhook(webhookBody("firing"), authorization: "\(scheme) \(testToken)")
            #expect(response.status == .ok)
        }
    }

    @Test(arguments: [
        nil, "Bearer wrong-token-0123456789", "Bearer \(testToken)x", "Basic " + Data("alertmanager:nope".utf8).base64EncodedString(),
        "Token \(testToken)", "Bearer \(testToken.uppercased())",
    ])
    func missingOrWrongCredentialsGet401AndChangeNothing(_ authorization: String?) async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try await makeDaemon(runtime, stateDirectory: directory).application.test(.router) { client in
            let response = try await client.postWebhook(webhookBody("firing"), authorization: authorization)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate] != nil)
        }
        #expect(runtime.starts == 0)
    }

    @Test func basicAuthWithTheTokenAsPasswordIsAccepted() async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try await makeDaemon(runtime, stateDirectory: directory).application.test(.router) { client in
            let credentials = "Basic " + Data("alertmanager:\(testToken)".utf8).base64EncodedString()
            let result1 = try await client.postWebhook(webhookBody("firing"), authorization: credentials).status
            #expect(result1 == .ok)
        }
        #expect(runtime.starts == 1)
    }

    @Test func dockerFailureGets503SoAlertmanagerRetriesThenRecovers() async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        runtime.set { $0.failure = .dockerDown }
        try await daemon.application.test(.router) { client in
            let failed = try await client.postWebhook(webhookBody("firing"))
            #expect(failed.status == .serviceUnavailable)
            #expect(String(buffer: failed.body).contains("Docker failed"))
            let status = await daemon.controller.report()
            #expect(status.actual.contains("docker unreachable"))
            #expect(status.lastError?.what.contains("connection refused") == true)

            runtime.set { $0.failure = nil }
            let retried = try await client.postWebhook(webhookBody("firing"))
            #expect(retried.status == .ok)
        }
        #expect(runtime.starts == 1)
    }

    @Test func slowDockerGets503BeforeAlertmanagersTimeout() async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        runtime.set { $0.startDelay = .seconds(3) }
        try await daemon.application.test(.router) { client in
            let started = ContinuousClock.now
            let response = try await client.postWebhook(webhookBody("firing"))
            #expect(response.status == .serviceUnavailable)
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(String(buffer: response.body).contains("still converging"))
        }
    }

    @Test func healthNeedsNoAuthButStatusDoes() async throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory).application.test(.router) { client in
            let result2 = try await client.execute(uri: "/health", method: .get).status
            #expect(result2 == .ok)
            let result3 = try await client.execute(uri: "/status", method: .get).status
            #expect(result3 == .unauthorized)
            let status = try await client.execute(uri: "/status", method: .get, headers: [.authorization: "Bearer \(testToken)"])
            #expect(status.status == .ok)
            let report = try JSONDecoder().decode(StatusReport.self, from: Data(String(buffer: status.body).utf8))
            #expect(report.desired == .stopped)
            #expect(report.summary.hasPrefix("standby"))
        }
    }

    @Test func pausedDaemonActsOnNothingAndSaysSo() async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try await makeDaemon(runtime, stateDirectory: directory).application.test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(testToken)"]
            let result4 = try await client.execute(uri: "/pause", method: .post, headers: auth).status
            #expect(result4 == .ok)
            let response = try await client.postWebhook(webhookBody("firing"))
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).contains("paused"))
            let status = try await client.execute(uri: "/status", method: .get, headers: auth)
            #expect(String(buffer: status.body).contains("PAUSED"))
            #expect(runtime.starts == 0)

            let result5 = try await client.execute(uri: "/resume", method: .post, headers: auth).status
            #expect(result5 == .ok)
            let result6 = try await client.postWebhook(webhookBody("firing")).status
            #expect(result6 == .ok)
        }
        #expect(runtime.starts == 1)
    }

    @Test func metricsNeedTheTokenUnlessTheListenerIsPrivateByConfiguration() async throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory).application.test(.router) { client in
            let anonymous = try await client.execute(uri: "/metrics", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == #"Bearer realm="failoverd""#)
            let authorized = try await client.metrics()
            #expect(authorized.status == .ok)
        }
        let open = try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory) { $0.metricsRequireToken = false }
        try await open.application.test(.router) { client in
            let anonymous = try await client.execute(uri: "/metrics", method: .get)
            #expect(anonymous.status == .ok)
        }
    }

    @Test func metricsCountRepliesActionsAndState() async throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory).application.test(.router) { client in
            _ = try await client.postWebhook(webhookBody("firing"))
            _ = try await client.postWebhook("{", authorization: "Bearer \(testToken)")
            _ = try await client.postWebhook(webhookBody("firing"), authorization: nil)
            let text = String(buffer: try await client.metrics().body)
            #expect(text.contains(#"failoverd_webhook_requests_total{code="200"} 1"#))
            #expect(text.contains(#"failoverd_webhook_requests_total{code="400"} 1"#))
            #expect(text.contains(#"failoverd_webhook_requests_total{code="401"} 1"#))
            #expect(text.contains(#"failoverd_actions_total{action="start",result="success"} 1"#))
            #expect(text.contains("failoverd_desired_running 1"))
            #expect(text.contains("failoverd_firing_trigger_alerts 1"))
            #expect(text.contains(#"failoverd_docker_operation_duration_seconds_count{operation="start"} 1"#))
        }
    }
}

/// Just enough JSON to compare reply fields.
enum JSONValue: Decodable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else {
            self = .other
        }
    }
}

/// A plain TCP client on loopback, for what an HTTP client library will not do (send half a request).
private final class LoopbackSocket {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
    }

    deinit { close(fd) }

    /// Whether the bytes were written (false once the peer has closed).
    @discardableResult
    func send(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } > 0
    }

    /// Everything the peer sends until it closes, polling without blocking a thread of the
    /// test's cooperative pool (the server under test needs those), for at most 5 s.
    func receiveAll() async -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(5) {
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count == 0 { break }
            if count > 0 {
                bytes += buffer[..<count]
            } else {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the peer has closed the connection (a read returns end of file at once).
    func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) == 0
    }
}
