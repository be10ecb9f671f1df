import FailoverCore
import FailoverDaemon
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The cold standby between failovers: made again when it goes missing or is outdated, and a
/// standby that cannot be made is said, not a reason to make Alertmanager retry.
@Suite("The cold standby")
struct StandbyTests {
    @Test func aStandbyRemovedBehindFailoverdsBackIsMadeAgainAtTheNextReconcile() async throws {
        // setup: a standby made at startup
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        #expect(runtime.actual == .stopped)

        // act: someone removes it; an outdated one (a changed spec) is the same case
        runtime.set { $0.actual = .missing }
        let afterRemoval = await daemon.controller.reconcile()
        runtime.set { $0.actual = .outdated }
        let afterChange = await daemon.controller.reconcile()

        // check
        #expect(afterRemoval == .inSync && afterChange == .inSync)
        #expect(runtime.actual == .stopped)
        #expect(runtime.starts == 0, "made again, not started")
    }

    @Test func aStandbyThatCannotBeMadeIsSaidWhileWebhooksAreAnswered200() async throws {
        // setup: the image is not on the host yet (a pull is under way, or fails)
        let runtime = FakeCloudRuntime()
        let missingImage = RuntimeFailure(kind: .refused, detail: "docker POST /containers/create -> 404: image 'orders:1' is not on this host")
        runtime.set { $0.prepareFailure = missingImage }
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)

        // act
        let outcome = await daemon.controller.reconcile()
        let report = await daemon.controller.report()

        // check: the reconcile loop says so and backs off; status names why
        #expect(outcome == .standbyNotReady(missingImage))
        #expect(await daemon.controller.consecutiveFailures > 0)
        #expect(report.lastError?.what.contains("is not on this host") == true)
        try await daemon.application.test(.router) { client in
            // a resolve: nothing a retry of it could fix, so no 503
            let reply = try await client.postWebhook(webhookBody("resolved", endsAt: RFC3339.format(Date())))
            #expect(reply.status == .ok)
            let metrics = String(buffer: try await client.metrics().body)
            #expect(metrics.contains("failoverd_standby_ready 0"), "FailoverdStandbyNotReady's input")
        }

        // act: the image arrives; the next pass makes the standby
        runtime.set { $0.prepareFailure = nil }
        #expect(await daemon.controller.reconcile() == .inSync)
        #expect(runtime.actual == .stopped)
    }

    @Test func aPausedFailoverdLeavesAMissingStandbyAlone() async throws {
        let runtime = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let daemon = try await makeDaemon(runtime, stateDirectory: directory)
        _ = await daemon.controller.setPaused(true)
        let prepared = runtime.prepares
        runtime.set { $0.actual = .missing }
        #expect(await daemon.controller.reconcile() == .inSync)
        #expect(runtime.actual == .missing && runtime.prepares == prepared, "the operator may be at work on it")
    }
}
