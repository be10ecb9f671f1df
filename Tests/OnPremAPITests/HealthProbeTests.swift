import Foundation
import Hummingbird
import HummingbirdTesting
import OnPremAPI
import Testing

@Suite("Health probe (image HEALTHCHECK)")
struct HealthProbeTests {
    @Test func succeedsAgainstAHealthyServerAndFailsOnceItDrains() async throws {
        let app = TestApp()
        try await app.make().test(.live) { client in
            let port = try #require(client.port)
            try await onOwnThread { try HealthProbe.check(host: "127.0.0.1", port: port, timeoutSeconds: 5) }

            app.state.beginDraining()

            await #expect(throws: HealthProbe.Failure.self) {
                try await onOwnThread { try HealthProbe.check(host: "127.0.0.1", port: port, timeoutSeconds: 5) }
            }
        }
    }

    @Test func failsWhenNothingListens() throws {
        // Port 1 on loopback is privileged and unused in test environments.
        #expect(throws: HealthProbe.Failure.self) {
            try HealthProbe.check(host: "127.0.0.1", port: 1, timeoutSeconds: 1)
        }
    }

    @Test func rejectsNonNumericHosts() {
        #expect(throws: HealthProbe.Failure.badAddress("localhost")) {
            try HealthProbe.check(host: "localhost", port: 8080, timeoutSeconds: 1)
        }
    }
}

/// Runs the blocking probe (connect, send, recv with a timeout) on a thread of its own: on one of
/// the few cooperative threads it could starve the server under test when the machine is busy,
/// and time out for that reason alone.
private func onOwnThread(_ probe: @escaping @Sendable () throws -> Void) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        Thread { continuation.resume(with: Result { try probe() }) }.start()
    }
}
