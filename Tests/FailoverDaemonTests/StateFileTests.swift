import FailoverCore
import FailoverDaemon
import Foundation
import Testing

@Suite("state.json's format")
struct StateFileTests {
    @Test func theFileHasAFormatNumberAndRFC3339Times() async throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let clock = ManualClock()
        let daemon = try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory, holdDown: .seconds(60), clock: clock)
        _ = await daemon.controller.receive(try webhook("firing"), deadline: .seconds(5))
        _ = await daemon.controller.receive(try webhook("resolved", endsAt: RFC3339.format(clock.now())), deadline: .seconds(5))

        let text = try String(contentsOfFile: directory + "/state.json", encoding: .utf8)
        #expect(text.contains(#""format" : 2"#), "\(text)")
        let holdDownEnd = RFC3339.formatMicroseconds(clock.now().addingTimeInterval(60))
        #expect(text.contains(#""holdDownUntil" : "\#(holdDownEnd)""#), "\(text)")
    }

    @Test func aNanosecondStartTimeReadBackIsStillTheSameEpisode() async throws {
        // Alertmanager writes startsAt to the nanosecond; state.json keeps microseconds.
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let body = webhookBody("firing").replacingOccurrences(of: "2026-11-23T10:00:00Z", with: "2026-11-23T10:00:00.123456789Z")
        let notice = try WebhookPayloadError.decode(Array(body.utf8))
        let first = try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory)
        #expect(await first.controller.receive(notice, deadline: .seconds(5)).decision.stateChanged)

        let restarted = try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory)
        let repeated = await restarted.controller.receive(notice, deadline: .seconds(5)).decision
        #expect(repeated.verdicts.map(\.outcome) == [.duplicate])
        #expect(!repeated.stateChanged)
    }

    @Test func aFileFromANewerFailoverdIsMovedAsideNamingWhy() async throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let newer = #"{"format": 3, "alerts": {}, "paused": true, "recentStops": [], "reason": "x"}"#
        try #require(FileManager.default.createFile(atPath: directory + "/state.json", contents: Data(newer.utf8)))

        let report = try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory).controller.report()

        #expect(report.paused, "the pause it can read is kept")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.contains { $0.hasPrefix("state.json.corrupt-") })
    }
}
