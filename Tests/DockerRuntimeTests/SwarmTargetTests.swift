import FailoverCore
import FailoverDaemon
import Foundation
import RuntimeSpec
import Testing

@testable import DockerEngine
@testable import DockerRuntime

@Suite("Swarm target")
struct SwarmTargetTests {
    /// A service as `GET /services/{id}` answers, with a field this client does not model.
    private func service(replicas: Int) throws -> ServiceInspection {
        let body = """
            {"ID": "svc1", "Version": {"Index": 74},
             "Spec": {"Name": "cloud-api", "Labels": {"io.failoverd.managed": "true"},
                      "TaskTemplate": {"ContainerSpec": {"Image": "sha256:bae8"}, "Placement": {"Constraints": ["node.role==worker"]}},
                      "Mode": {"Replicated": {"Replicas": \(replicas)}}}}
            """
        return try ServiceInspection(body: Data(body.utf8), call: "test")
    }

    private func task(
        _ state: String,
        desired: String = "running",
        error: String? = nil,
        updated: String = "2026-12-02T05:37:20Z"
    ) throws -> TaskSummary {
        let err = error.map { #", "Err": "\#($0)""# } ?? ""
        let json = #"{"DesiredState": "\#(desired)", "UpdatedAt": "\#(updated)", "Status": {"State": "\#(state)"\#(err)}}"#
        return try JSONDecoder().decode(TaskSummary.self, from: Data(json.utf8))
    }

    @Test func anUpdateSendsTheSpecBackWithOnlyTheReplicaCountChanged() throws {
        let inspected = try service(replicas: 0)
        #expect(inspected.version == 74)
        #expect(inspected.replicas == 0)
        let updated = try JSONSerialization.jsonObject(with: try inspected.spec(withReplicas: 3)) as? [String: Any]
        let mode = (updated?["Mode"] as? [String: Any])?["Replicated"] as? [String: Any]
        #expect((mode?["Replicas"] as? NSNumber)?.intValue == 3)
        let template = updated?["TaskTemplate"] as? [String: Any]
        #expect((template?["Placement"] as? [String: Any])?["Constraints"] as? [String] == ["node.role==worker"], "an operator's placement survives")
        #expect((updated?["Labels"] as? [String: String]) == ["io.failoverd.managed": "true"])
    }

    @Test func aServiceIsRunningOnlyWhenEveryWantedReplicaServes() throws {
        let two = try service(replicas: 2)
        let snapshot = { (service: ServiceInspection, tasks: [TaskSummary]) in
            DockerSwarmService.snapshot(service, tasks: tasks, wanted: 2)
        }
        #expect(snapshot(try service(replicas: 0), []).actual == .stopped)
        #expect(snapshot(two, [try task("running"), try task("running")]).actual == .running)
        #expect(snapshot(two, [try task("running"), try task("running")]).status == "2/2 replicas running")
        // one replica died and swarm is restarting it; a HEALTHCHECK keeps a task "starting"
        #expect(snapshot(two, [try task("running"), try task("starting"), try task("failed", desired: "shutdown")]).actual == .notReady)
        // scaled to zero, one replica still stopping
        #expect(snapshot(try service(replicas: 0), [try task("running", desired: "shutdown")]).actual == .notReady)
        // an operator scaled it further up: still running
        #expect(snapshot(try service(replicas: 3), [try task("running"), try task("running"), try task("running")]).actual == .running)
    }

    @Test func aGlobalServiceIsNeverTakenForRunning() throws {
        let body = #"{"ID": "g", "Version": {"Index": 1}, "Spec": {"Name": "x", "Mode": {"Global": {}}}}"#
        let global = try ServiceInspection(body: Data(body.utf8), call: "test")
        #expect(global.replicas == nil)
        #expect(DockerSwarmService.snapshot(global, tasks: [try task("running")], wanted: 1).actual == .notReady)
    }

    @Test func anUnreadableServiceIsABadResponseQuotingIt() {
        #expect(throws: DockerError.self) { try ServiceInspection(body: Data("{\"ID\": 1}".utf8), call: "GET /services/{id}") }
    }

    @Test func theFingerprintChangesWithTheImageTheTagNames() {
        let spec = SwarmServiceSpec(container: ContainerSpec(name: "cloud-api", image: "onprem-api:latest"), replicas: 2)
        #expect(spec.fingerprint(imageID: "sha256:aaaaaaaaaaaa1") != spec.fingerprint(imageID: "sha256:bbbbbbbbbbbb1"))
        #expect(spec.fingerprint(imageID: "sha256:aaaaaaaaaaaa1") == spec.fingerprint(imageID: "sha256:aaaaaaaaaaaa1"))
    }

    @Test func theDaemonsSocketIsAskedFirstThenEachOtherManagerOnce() {
        var settings = ServiceSettings()
        settings.swarmManagers = ["unix:///run/node2.sock", "/run/node3.sock", "/run/node1.sock"]
        #expect(settings.swarmManagerSockets(first: "/run/node1.sock") == ["/run/node1.sock", "/run/node2.sock", "/run/node3.sock"])
    }

    @Test func onlyAManagerThatIsGoneOrNoLongerManagesMovesACallToTheNext() {
        func error(_ kind: DockerError.Kind, _ status: Int? = nil) -> DockerError {
            DockerError(kind: kind, call: "GET /services/{id}", status: status, message: "test")
        }
        #expect(DockerConnection.managerLost(error(.unreachable)))
        #expect(DockerConnection.managerLost(error(.api, 503)))
        #expect(!DockerConnection.managerLost(error(.api, 404)))
        #expect(!DockerConnection.managerLost(error(.api, 409)))
        // A replica slow to become ready is not a lost manager: the call is not made twice.
        #expect(!DockerConnection.managerLost(error(.timeout)))
        #expect(!DockerConnection.managerLost(error(.imageMissing)))
    }

    @Test func onTheHostNetworkALostNodeLowersWhatCountsAsRunning() throws {
        #expect(DockerSwarmService.placeable(replicas: 3, availableNodes: 3) == 3)
        #expect(DockerSwarmService.placeable(replicas: 3, availableNodes: 2) == 2)
        #expect(DockerSwarmService.placeable(replicas: 1, availableNodes: 3) == 1)
        // With no node available nothing runs, and that is never taken for running.
        #expect(DockerSwarmService.placeable(replicas: 3, availableNodes: 0) == 1)
        let body = #"{"ID": "s", "Version": {"Index": 1}, "Spec": {"Name": "x", "Mode": {"Replicated": {"Replicas": 3}}}}"#
        let service = try ServiceInspection(body: Data(body.utf8), call: "test")
        let twoOfThree = DockerSwarmService.snapshot(service, tasks: [try task("running"), try task("running"), try task("pending")], wanted: 2)
        #expect(twoOfThree.actual == .running && twoOfThree.status == "2/3 replicas running, 2 placeable (one per available node)")
    }
}
