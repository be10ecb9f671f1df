import FailoverCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RuntimeSpec
import ServiceSupport
import Synchronization
import Testing

@testable import FailoverDaemon

/// Two services in one failoverd: `api` fails over on OnPremDown for job onprem-api, `batch`
/// on any alert for job batch, with its own hold-down.
private let twoServices = """
    container: {image: onprem-api:latest}
    hold_down_seconds: 30
    services:
      - name: api
        triggers: ['alertname="OnPremDown",job="onprem-api"']
        container: {name: cloud-api}
      - name: batch
        triggers: ['job="batch"']
        prewarm_triggers: []
        hold_down_seconds: 5
        target: swarm
        swarm: {replicas: 3}
        container: {name: cloud-batch, env: [MODE=batch]}
    """

/// The OnPremDown fixture about job batch instead (its own fingerprint).
private func batchWebhook(_ status: String) -> String {
    webhookBody(status).replacing(#""job":"onprem-api""#, with: #""job":"batch""#).replacing("fp1", with: "fp2")
}

private func loadTwoServices(stateDirectory: String, yaml: String = twoServices) throws -> FailoverdConfiguration {
    let path = stateDirectory + "/failoverd.yml"
    try writeSecret(testToken, to: stateDirectory + "/token")
    let test =
        "state_directory: \(stateDirectory)\nreconcile_interval_seconds: 0.05\nreply_deadline_seconds: 1\nauth: {token_file: \(stateDirectory)/token}\n"
    try (test + yaml).write(toFile: path, atomically: true, encoding: .utf8)
    return try FailoverdConfiguration.load(file: path, environment: ["FAILOVERD_PREWARM_HOLD_DOWN_SECONDS": "7"])
}

@Suite("several services")
struct MultiServiceTests {
    @Test func eachServiceIsTheTopLevelValuesWithItsOwnKeys() throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let configuration = try loadTwoServices(stateDirectory: directory)
        try configuration.validate()
        let services = configuration.managedServices
        #expect(services.map(\.name) == ["api", "batch"])
        #expect(services[0].settings.holdDown == .seconds(30) && services[1].settings.holdDown == .seconds(5))
        #expect(try services[0].settings.policy().triggers.map(\.description) == [#"{alertname="OnPremDown",job="onprem-api"}"#])
        #expect(services[0].settings.container.image == "onprem-api:latest" && services[1].settings.container.image == "onprem-api:latest")
        #expect(services[1].settings.container.environment == ["MODE=batch"])
        #expect(services[0].settings.target == .container && services[1].settings.target == .swarm && services[1].settings.swarmReplicas == 3)
        #expect(services[0].settings.prewarmHoldDown == .seconds(7), "the environment sets the default every service starts from")
        #expect(try services[1].settings.policy().prewarmTriggers.isEmpty)
    }

    @Test func aSingleServiceFileIsOneServiceNamedAfterItsContainer() throws {
        let configuration = testConfiguration(stateDirectory: "/tmp/unused")
        #expect(!configuration.listsServices)
        #expect(configuration.managedServices.map(\.name) == ["cloud-api"])
    }

    @Test(arguments: [
        ("services:\n  - name: a\n    listen: {port: 1}\n", "services[0].listen", "not a per-service key"),
        ("services:\n  - triggers: ['a=\"b\"']\n", "services[0].name", "required"),
        ("services: {a: 1}\n", "services", "a list of services"),
        ("services:\n  - name: a\n    hold_down_seconds: soon\n", "services[a].hold_down_seconds", "soon"),
    ])
    func malformedEntriesNameTheEntryAndTheKey(_ yaml: String, _ key: String, _ problem: String) throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try yaml.write(toFile: directory + "/f.yml", atomically: true, encoding: .utf8)
        #expect {
            _ = try FailoverdConfiguration.load(file: directory + "/f.yml", environment: [:])
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.key == key && error?.problem.contains(problem) == true
        }
    }

    @Test(arguments: [
        ("  - {name: a, container: {name: x}}\n  - {name: a, container: {name: y}}\n", "services[a]", "two services"),
        ("  - {name: a, container: {name: x}}\n  - {name: b, container: {name: x}}\n", "services[b].container.name", "another service"),
        ("  - {name: ../a}\n", "services[../a]", "letters, digits"),
        ("  - {name: a, swarm: {replicas: 0}, target: swarm}\n", "services[a].swarm.replicas", "≥ 1"),
    ])
    func conflictingServicesAreRefused(_ entries: String, _ key: String, _ problem: String) throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try "container: {image: i}\nauth: {token_file: /t}\nservices:\n\(entries)".write(
            toFile: directory + "/f.yml",
            atomically: true,
            encoding: .utf8
        )
        let configuration = try FailoverdConfiguration.load(file: directory + "/f.yml", environment: [:])
        #expect {
            try configuration.validate()
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.key == key && error?.problem.contains(problem) == true
        }
    }

    @Test func checkConfigPrintsTheServicesSoTheyLoadBackTheSame() throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        // without environment values, which check-config redacts
        let yaml = twoServices.replacing("container: {image: onprem-api:latest}", with: "container: {image: onprem-api:latest, env: []}")
            .replacing("env: [MODE=batch]", with: "labels: {team: batch}")
        let configuration = try loadTwoServices(stateDirectory: directory, yaml: yaml)
        try configuration.redactedDescription().write(toFile: directory + "/printed.yml", atomically: true, encoding: .utf8)
        #expect(try FailoverdConfiguration.load(file: directory + "/printed.yml", environment: [:]) == configuration)
    }

    @Test func aReloadAppliesAServicesHoldDownButAServiceAddedWaitsForARestart() throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let running = try loadTwoServices(stateDirectory: directory)
        let slower = try loadTwoServices(
            stateDirectory: directory,
            yaml: twoServices.replacing("hold_down_seconds: 5", with: "hold_down_seconds: 50")
        )
        let change = ConfigurationChange(running: running, loaded: slower)
        #expect(change.applied == ["services[batch].hold_down_seconds"] && change.restartRequired.isEmpty)
        #expect(change.effective.managedServices[1].settings.holdDown == .seconds(50))

        let third = twoServices + "\n  - {name: more, triggers: ['job=\"more\"'], container: {name: cloud-more}}\n"
        let added = ConfigurationChange(running: running, loaded: try loadTwoServices(stateDirectory: directory, yaml: third))
        #expect(added.restartRequired == ["services"])
        #expect(added.effective.managedServices.map(\.name) == ["api", "batch"], "the running services stay as they are")
    }

    @Test func aReloadedHoldDownReachesItsServicesController() async throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let running = try loadTwoServices(stateDirectory: directory)
        let slower = try loadTwoServices(
            stateDirectory: directory,
            yaml: twoServices.replacing("hold_down_seconds: 5", with: "hold_down_seconds: 50")
        )
        let daemon = try await makeDaemon(FakeCloudRuntime(), stateDirectory: directory, configure: { $0 = running }, reloadConfiguration: { slower })
        #expect(await daemon.reloader.reload() == .applied(changed: ["services[batch].hold_down_seconds"], restartRequired: []))
        try await daemon.application.test(.router) { client in
            _ = try await client.postWebhook(batchWebhook("firing"))
            _ = try await client.postWebhook(batchWebhook("resolved"))
        }
        #expect(await daemon.fleet.member(named: "batch")!.controller.report().holdDownRemainingSeconds == 50)
    }

    @Test func servicesFailOverIndependentlyAndOneFailureBlocksNoOther() async throws {
        // setup: api's runtime fails every call after bootstrap
        let api = FakeCloudRuntime()
        let batch = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let configuration = try loadTwoServices(stateDirectory: directory)
        let lines = StatusLines()
        let daemon = try await makeDaemon(
            FakeCloudRuntime(),
            runtimes: ["api": api, "batch": batch],
            stateDirectory: directory,
            configure: { $0 = configuration },
            onStatus: lines.record
        )
        try await daemon.application.test(.router) { client in
            // a batch alert concerns batch only
            let batchReply = try await client.postWebhook(batchWebhook("firing"))
            #expect(batchReply.status == .ok)
            let replies = try JSONDecoder().decode(FleetReply.self, from: Data(String(buffer: batchReply.body).utf8))
            // started, or in sync when batch's startup pass started it (see WebhookHTTPTests)
            #expect([.string("started"), .string("in_sync")].contains(replies.services["batch"]?["result"]))
            #expect(replies.services["api"]?["result"] == .string("in_sync"))
            #expect(replies.summary.hasPrefix("api: standby") && replies.summary.contains(" | batch: failed over since"))
            #expect(batch.starts == 1 && api.starts == 0)

            // api's Docker fails: its webhook gets a 503 naming it, batch keeps running
            api.set { $0.failure = RuntimeFailure(kind: .unreachable, detail: "socket gone", target: nil, context: [:]) }
            let apiReply = try await client.postWebhook(webhookBody("firing"))
            #expect(apiReply.status == .serviceUnavailable)
            #expect(String(buffer: apiReply.body).contains("api: Docker failed"))
            #expect(batch.actual == .running && batch.stops == 0)

            // batch recovers on its own hold-down while api still waits for Docker
            _ = try await client.postWebhook(batchWebhook("resolved"))
            #expect(await daemon.fleet.member(named: "batch")!.controller.report().holdDownRemainingSeconds == 5)

            let status = try await client.execute(uri: "/status", method: .get, headers: [.authorization: "Bearer \(testToken)"])
            let fleet = try JSONDecoder().decode(FleetStatus.self, from: Data(String(buffer: status.body).utf8))
            #expect(fleet.services.map(\.service) == ["api", "batch"])
            #expect(fleet.services[0].desired == .running && fleet.services[0].lastError != nil)
            #expect(fleet.summary.hasPrefix("api: Docker unreachable; failed over since"))
            #expect(fleet.summary.contains(" | batch: failed over since"))

            let one = try await client.execute(uri: "/status?service=batch", method: .get, headers: [.authorization: "Bearer \(testToken)"])
            #expect(try JSONDecoder().decode(FleetStatus.self, from: Data(String(buffer: one.body).utf8)).services.map(\.service) == ["batch"])
            let unknown = try await client.execute(uri: "/pause?service=nope", method: .post, headers: [.authorization: "Bearer \(testToken)"])
            #expect(unknown.status == .notFound && String(buffer: unknown.body).contains("services: api, batch"))

            let metrics = String(buffer: try await client.metrics().body)
            #expect(metrics.contains(#"failoverd_desired_running{service="batch"} 1"#))
            #expect(metrics.contains(#"failoverd_actions_total{service="batch",action="start",result="success"} 1"#))
            #expect(metrics.contains(#"failoverd_docker_up{service="api"} 0"#))
            #expect(!metrics.contains("failoverd_actions_total{action="), "no unlabelled series beside the services' own")
        }
        #expect(lines.last?.contains("api: Docker unreachable") == true && lines.last?.contains(" | batch: ") == true, "one line for systemd")
        #expect(FileManager.default.fileExists(atPath: directory + "/batch/state.json"), "each service keeps its own state")
    }

    @Test func pausingOneServiceLeavesTheOtherAutomatic() async throws {
        let api = FakeCloudRuntime()
        let batch = FakeCloudRuntime()
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        let configuration = try loadTwoServices(stateDirectory: directory)
        let daemon = try await makeDaemon(FakeCloudRuntime(), runtimes: ["api": api, "batch": batch], stateDirectory: directory) {
            $0 = configuration
        }
        try await daemon.application.test(.router) { client in
            let paused = try await client.execute(uri: "/pause?service=api", method: .post, headers: [.authorization: "Bearer \(testToken)"])
            #expect(try JSONDecoder().decode(FleetStatus.self, from: Data(String(buffer: paused.body).utf8)).services.map(\.paused) == [true])
            _ = try await client.postWebhook(webhookBody("firing"))
            _ = try await client.postWebhook(batchWebhook("firing"))
        }
        #expect(api.starts == 0, "paused")
        #expect(batch.starts == 1)
    }
}

/// A webhook reply when the configuration lists services.
private struct FleetReply: Decodable {
    let services: [String: [String: JSONValue]]
    let summary: String
}

/// Every STATUS= line the daemon published.
private final class StatusLines: Sendable {
    private let lines = Mutex<[String]>([])
    var last: String? { lines.withLock { $0.last } }
    func record(_ line: String) { lines.withLock { $0.append(line) } }
}
