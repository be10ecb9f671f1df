import FailoverCore
import FailoverDaemon
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceSupport
import Synchronization
import Testing

@Suite("Configuration reload (SIGHUP)")
struct ReloadTests {
    /// What the next reload loads; nil makes it fail as a broken file would.
    final class NextConfiguration: Sendable {
        let value: Mutex<FailoverdConfiguration?>
        init(_ configuration: FailoverdConfiguration) { value = Mutex(configuration) }
        func set(_ change: (inout FailoverdConfiguration?) -> Void) { value.withLock { change(&$0) } }
        func load() throws -> FailoverdConfiguration {
            guard let configuration = value.withLock({ $0 }) else { throw ConfigurationError(key: "hold_down_seconds", problem: "must be ≥ 0") }
            return configuration
        }
    }

    /// A daemon that reads its token from `directory/token`, and the configuration its next reload
    /// loads (at first the one it started with, `configure`d).
    static func reloadableDaemon(
        in directory: String,
        holdDown: Duration = .seconds(30),
        clock: ManualClock = ManualClock(),
        runtime: FakeCloudRuntime = FakeCloudRuntime(),
        configure: (inout FailoverdConfiguration) -> Void = { _ in }
    ) async throws -> (daemon: Failoverd<some ApplicationProtocol>, next: NextConfiguration, tokenFile: String) {
        var base = testConfiguration(stateDirectory: directory, holdDown: holdDown)
        base.tokenFile = directory + "/token"
        configure(&base)
        try writeSecret(testToken, to: directory + "/token")
        let next = NextConfiguration(base)
        let daemon = try await makeDaemon(
            runtime,
            stateDirectory: directory,
            clock: clock,
            configure: { $0 = base },
            reloadConfiguration: { try next.load() }
        )
        return (daemon, next, directory + "/token")
    }

    @Test func aReloadTakesANewTokenAndHoldDownAndNamesWhatWaitsForARestart() async throws {
        let clock = ManualClock()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let (daemon, next, tokenFile) = try await Self.reloadableDaemon(in: directory, holdDown: .seconds(120), clock: clock)
        try await daemon.application.test(.router) { client in
            #expect(try await client.postWebhook(webhookBody("firing")).status == .ok)

            let rotated = "rotated-token-0123456789abcdef"
            try writeSecret(rotated, to: tokenFile)
            next.set {
                $0?.service.holdDown = .seconds(5)
                $0?.port = 9999
            }
            #expect(await daemon.reloader.reload() == .applied(changed: ["hold_down_seconds"], restartRequired: ["listen.port"]))
            #expect(try await client.postWebhook(webhookBody("firing")).status == .unauthorized, "the old token no longer works")
            #expect(try await client.postWebhook(webhookBody("firing"), authorization: "Bearer \(rotated)").status == .ok)

            let resolved = webhookBody("resolved", endsAt: RFC3339.format(clock.now()))
            #expect(try await client.postWebhook(resolved, authorization: "Bearer \(rotated)").status == .ok)
            #expect(await daemon.controller.report().holdDownRemainingSeconds == 5, "the reloaded hold-down counts from this resolve")

            next.set { $0 = nil }
            guard case .rejected = await daemon.reloader.reload() else {
                Issue.record("a configuration that does not load must be rejected")
                return
            }
            #expect(try await client.postWebhook(resolved, authorization: "Bearer \(rotated)").status == .ok, "a rejected reload changes nothing")
            let metricsReply = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(rotated)"])
            let metrics = String(buffer: metricsReply.body)
            #expect(metrics.contains("\nfailoverd_config_last_reload_successful 0"))
            #expect(metrics.contains("\nfailoverd_config_restart_required 1"), "the earlier reload's port change still waits")
            #expect(ReloadCounts(exposition: metrics) == ReloadCounts(applied: 1, rejected: 1, restartRequired: true))
            // failoverd reload (systemctl reload) reads each reload's outcome from /health, which
            // needs no token: the reload it waits for may be rotating it.
            let health = try await client.execute(uri: "/health", method: .get)
            let header = try #require(health.headers[HTTPField.Name(ReloadCounts.headerName)!])
            #expect(ReloadCounts(headerValue: header) == ReloadCounts(applied: 1, rejected: 1, restartRequired: true))
        }
    }

    @Test func aTokenFileThatCannotBeReadRejectsTheWholeReload() async throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let (daemon, next, _) = try await Self.reloadableDaemon(in: directory)
        next.set {
            $0?.service.holdDown = .seconds(1)
            $0?.tokenFile = directory + "/missing"
        }
        guard case .rejected(let reason) = await daemon.reloader.reload() else {
            Issue.record("an unreadable token file must reject the reload")
            return
        }
        #expect(reason.contains("auth.token_file"))
        try await daemon.application.test(.router) { client in
            let response = try await client.postWebhook(webhookBody("firing"))
            #expect(response.status == .ok, "the running token still works")
        }
    }

    @Test func turningTLSOnWaitsForARestartSinceTheListenerItselfChanges() async throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let (daemon, next, _) = try await Self.reloadableDaemon(in: directory)
        next.set {
            $0?.tlsCertificatePath = directory + "/cert.pem"
            $0?.tlsKeyPath = directory + "/key.pem"
            $0?.service.maximumStopsPerWindow = 5
        }
        #expect(
            await daemon.reloader.reload() == .applied(changed: ["stop_budget.max_stops"], restartRequired: ["tls.certificate", "tls.key"])
        )
    }
}
