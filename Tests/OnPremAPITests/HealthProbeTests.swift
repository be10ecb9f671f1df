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
            try HealthProbe.check(host: "127.0.0.1", port: port, timeoutSeconds: 2)

            app.state.beginDraining()

            #expect(throws: HealthProbe.Failure.self) {
                try HealthProbe.check(host: "127.0.0.1", port: port, timeoutSeconds: 2)
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
