import FoundationEssentials
import NIOHTTP1

extension DockerClient {
    // MARK: Images

    /// The local image id (`sha256:...`) a reference names; nil when it is not on this host.
    public func imageID(_ reference: String) async throws(DockerError) -> String? {
        let call = "GET /images/{name}/json"
        let response = try await send(.GET, "/images/\(escape(reference))/json", call: call)
        switch response.status {
        case 200:
            struct Image: Decodable { let Id: String }
            return try response.decode(Image.self, call: call, container: reference).Id
        case 404: return nil
        default: throw response.error(call: call, container: reference)
        }
    }

    // MARK: Swarm services

    /// Inspects a service by name or id; nil when it does not exist. Answers 503 with Docker's
    /// "not a swarm manager" message when this engine cannot manage services.
    public func inspectService(_ nameOrID: String) async throws(DockerError) -> ServiceInspection? {
        let call = "GET /services/{id}"
        let response = try await send(.GET, "/services/\(escape(nameOrID))", call: call, container: nameOrID)
        switch response.status {
        case 200: return try ServiceInspection(body: response.body, call: call)
        case 404: return nil
        default: throw response.error(call: call, container: nameOrID)
        }
    }

    /// Creates a replicated service at 0 replicas from a local image id and returns its id.
    public func createService(_ spec: SwarmServiceSpec, imageID: String, labels: [String: String]) async throws(DockerError) -> String {
        let call = "POST /services/create"
        let container = spec.container
        let body: JSONValue = [
            "Name": .string(spec.name),
            "Labels": .object(labels.mapValues(JSONValue.string)),
            "TaskTemplate": [
                "ContainerSpec": [
                    // By id: a node pulls an image named by tag from its registry first, even
                    // when it has it; an id is used as it is.
                    "Image": .string(imageID),
                    "Env": .array(container.environment.map(JSONValue.string)),
                    "Labels": .object(container.labels.merging(labels) { _, new in new }.mapValues(JSONValue.string)),
                    "StopGracePeriod": .integer(Int64(container.stopTimeoutSeconds) * 1_000_000_000),
                ],
                "RestartPolicy": ["Condition": "any", "Delay": .integer(Int64(spec.restartDelaySeconds * 1_000_000_000))],
                // Swarm has no "none" network to attach; attaching none is the closest.
                "Networks": container.networkMode == "none" ? [] : [["Target": .string(container.networkMode)]],
                // On the host network a replica binds its node's port: one per node, or the
                // second on a node fails to bind and restarts forever.
                "Placement": container.networkMode == "host" ? ["MaxReplicas": 1] : [:],
            ],
            "Mode": ["Replicated": ["Replicas": 0]],
        ]
        guard let data = try? JSONEncoder().encode(body) else {
            throw DockerError(kind: .badResponse, call: call, container: spec.name, message: "cannot encode service spec")
        }
        let response = try await send(.POST, "/services/create", body: data, call: call, container: spec.name)
        guard response.status == 201 else { throw response.error(call: call, container: spec.name) }
        struct Created: Decodable { let ID: String }
        return try response.decode(Created.self, call: call, container: spec.name).ID
    }

    /// Sets a service's replica count. An update must quote the version it read; when another
    /// writer got in between (an operator's `docker service update`), it reads again and
    /// retries, a few times.
    public func scaleService(_ nameOrID: String, replicas: Int) async throws(DockerError) {
        let call = "POST /services/{id}/update"
        var attempt = 0
        while true {
            attempt += 1
            guard let service = try await inspectService(nameOrID) else {
                throw DockerError(kind: .api, call: call, container: nameOrID, status: 404, message: "service does not exist")
            }
            guard service.replicas != nil else {
                throw DockerError(kind: .api, call: call, container: nameOrID, message: "a global service cannot be scaled; make it replicated")
            }
            if service.replicas == replicas { return }
            let response = try await send(
                .POST,
                "/services/\(escape(service.id))/update?version=\(service.version)",
                body: try service.spec(withReplicas: replicas),
                call: call,
                container: nameOrID
            )
            if response.status == 200 { return }
            let error = response.error(call: call, container: nameOrID)
            let conflict = response.status == 409 || error.message.contains("out of sequence")
            guard conflict, attempt < 5 else { throw error }
        }
    }

    /// Removes a service and its tasks.
    public func removeService(_ nameOrID: String) async throws(DockerError) {
        let call = "DELETE /services/{id}"
        let response = try await send(.DELETE, "/services/\(escape(nameOrID))", call: call, container: nameOrID)
        guard response.status == 200 || response.status == 404 else { throw response.error(call: call, container: nameOrID) }
    }

    /// How many nodes can take a task now: ready and not drained or paused.
    public func availableNodes() async throws(DockerError) -> Int {
        let call = "GET /nodes"
        let response = try await send(.GET, "/nodes", call: call, container: nil)
        guard response.status == 200 else { throw response.error(call: call, container: nil) }
        struct Node: Decodable {
            struct Status: Decodable { let State: String }
            struct Spec: Decodable { let Availability: String }
            let Status: Status
            let Spec: Spec
        }
        let nodes = try response.decode([Node].self, call: call, container: nil)
        return nodes.filter { $0.Status.State == "ready" && $0.Spec.Availability == "active" }.count
    }

    /// The tasks swarm keeps for a service: the current ones and a short history of ended ones.
    public func tasks(ofService id: String) async throws(DockerError) -> [TaskSummary] {
        let call = "GET /tasks"
        let query = try filterQuery(["service": [id]], call: call)
        let response = try await send(.GET, "/tasks?filters=\(query)", call: call, container: id)
        guard response.status == 200 else { throw response.error(call: call, container: id) }
        return try response.decode([TaskSummary].self, call: call, container: id)
    }
}
