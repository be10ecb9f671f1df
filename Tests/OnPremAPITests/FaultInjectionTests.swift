import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OnPremAPI
import Testing

@Suite("Fault injection")
struct FaultInjectionTests {
    @Test func failAnswers500WhenEnabled() async throws {
        try await TestApp(faults: true).make().test(.router) { client in
            let response = try await client.execute(uri: "/fail", method: .get)
            #expect(response.status == .internalServerError)
            #expect(try response.errorMessage() == "injected failure")
        }
    }

    @Test(arguments: [
        ("/fail", HTTPRequest.Method.get), ("/cpu?seconds=1", .get), ("/kill", .post), ("/?delay_ms=10", .get),
        ("/brownout?failure_rate=1", .put),
    ])
    func drillEndpointsRefuseWith403WhenDisabled(_ uri: String, _ method: HTTPRequest.Method) async throws {
        let app = TestApp(faults: false)
        try await app.make().test(.router) { client in
            let response = try await client.execute(uri: uri, method: method)
            #expect(response.status == .forbidden)
            #expect(try response.errorMessage().contains("FAULT_INJECTION=true"))
        }
        #expect(app.recorder.crashCount == 0)
    }

    @Test func delayHoldsTheResponseAtLeastThatLong() async throws {
        try await TestApp(faults: true).make().test(.router) { client in
            let started = ContinuousClock.now
            let response = try await client.execute(uri: "/?delay_ms=150", method: .get)
            #expect(response.status == .ok)
            #expect(ContinuousClock.now - started >= .milliseconds(150))
        }
    }

    @Test(arguments: ["-1", "10001", "abc", "1.5", ""])
    func badDelayIsRejectedWithAReason(_ value: String) async throws {
        try await TestApp(faults: true).make().test(.router) { client in
            let response = try await client.execute(uri: "/?delay_ms=\(value)", method: .get)
            #expect(response.status == .badRequest)
            #expect(try response.errorMessage().contains("delay_ms must be an integer from 0 to 10000"))
        }
    }

    @Test func cpuBurnRunsForTheRequestedTime() async throws {
        try await TestApp(faults: true).make().test(.router) { client in
            let started = ContinuousClock.now
            let response = try await client.execute(uri: "/cpu?seconds=0.1", method: .get)
            #expect(response.status == .ok)
            #expect(response.text == #"{"burned_seconds":0.1}"#)
            #expect(ContinuousClock.now - started >= .milliseconds(100))
        }
    }

    @Test(arguments: ["/cpu", "/cpu?seconds=0", "/cpu?seconds=-2", "/cpu?seconds=10.5", "/cpu?seconds=lots"])
    func badCPUSecondsAreRejectedWithAReason(_ uri: String) async throws {
        try await TestApp(faults: true).make().test(.router) { client in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status == .badRequest)
            #expect(try response.errorMessage().contains("seconds must be a number above 0 and at most 10"))
        }
    }

    @Test(arguments: [(0.49, HTTPResponse.Status.internalServerError), (0.5, .ok), (0.99, .ok)])
    func failureRateFailsRootWhenTheDrawIsBelowTheRate(_ draw: Double, _ expected: HTTPResponse.Status) async throws {
        try await TestApp(faults: true, failureRate: 0.5, randomUnit: { draw }).make().test(.router) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == expected)
        }
    }

    @Test func failureRateNeverTouchesHealth() async throws {
        try await TestApp(faults: true, failureRate: 1, randomUnit: { 0 }).make().test(.router) { client in
            let root = try await client.execute(uri: "/", method: .get)
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(root.status == .internalServerError)
            #expect(health.status == .ok)
        }
    }

    @Test func killCallsTheCrashHook() async throws {
        let app = TestApp(faults: true)
        try await app.make().test(.router) { client in
            _ = try await client.execute(uri: "/kill", method: .post)
        }
        #expect(app.recorder.crashCount == 1)
    }

    @Test func killNeedsPOST() async throws {
        let app = TestApp(faults: true)
        try await app.make().test(.router) { client in
            let response = try await client.execute(uri: "/kill", method: .get)
            #expect(response.status == .notFound || response.status == .methodNotAllowed)
        }
        #expect(app.recorder.crashCount == 0)
    }

    @Test func brownoutFailsAndSlowsRootUntilSetBackToZero() async throws {
        try await TestApp(faults: true, randomUnit: { 0.3 }).make().test(.router) { client in
            let set = try await client.execute(uri: "/brownout?failure_rate=0.5&delay_ms=100", method: .put)
            #expect(set.text == #"{"failure_rate":0.5,"delay_ms":100}"#)
            let started = ContinuousClock.now
            let browned = try await client.execute(uri: "/", method: .get)
            #expect(browned.status == .internalServerError)
            #expect(ContinuousClock.now - started >= .milliseconds(100))
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)

            _ = try await client.execute(uri: "/brownout?failure_rate=0&delay_ms=0", method: .put)
            #expect(try await client.execute(uri: "/", method: .get).status == .ok)
        }
    }

    @Test(arguments: ["failure_rate=1.5", "failure_rate=x", "delay_ms=-1", "delay_ms=10001"])
    func badBrownoutIsRejectedAndLeavesTheSettingAlone(_ query: String) async throws {
        try await TestApp(faults: true, randomUnit: { 0.3 }).make().test(.router) { client in
            _ = try await client.execute(uri: "/brownout?failure_rate=0.5", method: .put)
            let response = try await client.execute(uri: "/brownout?\(query)", method: .put)
            #expect(response.status == .badRequest)
            #expect(try response.errorMessage().contains(query.hasPrefix("failure_rate") ? "failure_rate must be" : "delay_ms must be"))
            #expect(try await client.execute(uri: "/", method: .get).status == .internalServerError)
        }
    }
}
