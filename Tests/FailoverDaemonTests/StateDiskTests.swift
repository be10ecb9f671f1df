import FailoverCore
import FailoverDaemon
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("a state directory that cannot be written or read")
struct StateDiskTests {
    @Test func anUnwritableStateDirectoryAtStartupDegradesToMemoryAndRecovers() async throws {
        // setup: the state directory's parent is a regular file, so no save can succeed
        let runtime = FakeCloudRuntime()
        let base = makeStateDirectory()
        defer { removeDirectory(base) }
        let blocker = base + "/not-a-directory"
        try #require(FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8)))
        let daemon = try await makeDaemon(runtime, stateDirectory: blocker + "/state")

        // check: it serves, decides and acts, and says the state is not saved
        #expect(await daemon.controller.report().summary.hasPrefix("STATE NOT SAVED since "))
        try await daemon.application.test(.router) { client in
            let reply = try await client.postWebhook(webhookBody("firing"))
            #expect(reply.status == .serviceUnavailable, "Alertmanager retries until the decision is on disk")
            #expect(String(buffer: reply.body).contains("state could not be saved"))
            let metrics = String(buffer: try await client.metrics().body)
            #expect(metrics.contains("failoverd_state_save_failing 1"), "\(metrics)")
        }
        #expect(runtime.starts == 1, "the failover happens although its state is not saved")
        #expect(await daemon.controller.report().desired == .running)

        // act: the disk takes writes again; the next reconcile pass saves
        try FileManager.default.removeItem(atPath: blocker)
        _ = await daemon.controller.reconcile()

        // check
        let report = await daemon.controller.report()
        #expect(report.stateNotSavedSince == nil)
        #expect(!report.summary.contains("NOT SAVED"))
        let saved = try String(contentsOfFile: blocker + "/state/state.json", encoding: .utf8)
        #expect(saved.contains("OnPremDown"))
    }

    @Test(arguments: [
        #"{"alerts": {"fp1": 7}, "paused": true, "recentStops": [], "reason": "x"}"#,
        "{\n  \"alerts\" : {\n\n  },\n  \"paused\" : true,\n  \"recentSto",
    ])
    func aCorruptStateFileKeepsTheOperatorsPause(_ corrupt: String) async throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try #require(FileManager.default.createFile(atPath: directory + "/state.json", contents: Data(corrupt.utf8)))

        let daemon = try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory)

        #expect(await daemon.controller.report().paused, "automation must not resume in the middle of maintenance")
    }

    @Test func corruptFilesMovedAsideInTheSameSecondAreAllKept() async throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let clock = ManualClock()
        for attempt in 0..<2 {
            try #require(FileManager.default.createFile(atPath: directory + "/state.json", contents: Data("{garbage \(attempt)".utf8)))
            _ = try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory, clock: clock)
        }
        let asides = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".corrupt-") }.sorted()
        #expect(asides.count == 2, "\(asides)")
        let contents = try asides.map { try String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }
        #expect(Set(contents) == ["{garbage 0", "{garbage 1"])
    }
}
