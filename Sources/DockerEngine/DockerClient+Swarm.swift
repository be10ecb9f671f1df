import FoundationEssentials
import NIOHTTP1
import RuntimeSpec

extension DockerClient {
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
    /// `environment` is the spec's with its environment file read in; `secrets` are delivered as
    /// files in every replica.
    public func createService(
        _ spec: SwarmServiceSpec,
        imageID: String,
        environment: [String],
        secrets: [SecretReference],
        labels: [String: String]
    ) async throws(DockerError) -> String {
        let call = "POST /services/create"
        let container = spec.container
        var template: JSONValue = [
            "RestartPolicy": ["Condition": "any", "Delay": .integer(Int64(spec.restartDelaySeconds * 1_000_000_000))],
            // Swarm has no "none" network to attach; attaching none is the closest.
            "Networks": container.networkMode == "none" ? [] : [["Target": .string(container.networkMode)]],
            // On the host network a replica binds its node's port: one per node, or the
            // second on a node fails to bind and restarts forever.
            "Placement": container.networkMode == "host" ? ["MaxReplicas": 1] : [:],
            "Resources": container.swarmResources,
        ]
        do {
            template["ContainerSpec"] = try container.swarmContainerSpec(
                imageID: imageID,
                environment: environment,
                labels: labels,
                secrets: secrets.map(\.engineObject)
            )
        } catch {
            throw DockerError(kind: .api, call: call, container: spec.name, message: "the container spec does not read: \(error)")
        }
        if let logDriver = container.swarmLogDriver { template["LogDriver"] = logDriver }
        let body: JSONValue = [
            "Name": .string(spec.name),
            "Labels": .object(labels.mapValues(JSONValue.string)),
            "TaskTemplate": template,
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

    // MARK: Swarm secrets

    /// Creates a Swarm secret and returns its id; one of that name already there is returned
    /// instead (secrets cannot change, so a name must name one content: the caller's job).
    public func createSecret(name: String, contents: [UInt8], labels: [String: String]) async throws(DockerError) -> String {
        let call = "POST /secrets/create"
        let body: JSONValue = [
            "Name": .string(name),
            "Labels": .object(labels.mapValues(JSONValue.string)),
            "Data": .string(Data(contents).base64EncodedString()),
        ]
        guard let data = try? JSONEncoder().encode(body) else {
            throw DockerError(kind: .badResponse, call: call, container: name, message: "cannot encode the secret")
        }
        let response = try await send(.POST, "/secrets/create", body: data, call: call, container: name)
        struct Created: Decodable { let ID: String }
        switch response.status {
        case 201: return try response.decode(Created.self, call: call, container: name).ID
        case 409:
            guard let existing = try await secrets(labeled: [:]).first(where: { $0.name == name }) else {
                throw response.error(call: call, container: name)
            }
            return existing.id
        default: throw response.error(call: call, container: name)
        }
    }

    /// The swarm's secrets carrying every one of `labels` (names and labels; never contents).
    public func secrets(labeled labels: [String: String]) async throws(DockerError) -> [SecretSummary] {
        let call = "GET /secrets"
        let query = try filterQuery(labels.isEmpty ? [:] : ["label": labels.map { "\($0.key)=\($0.value)" }], call: call)
        let response = try await send(.GET, "/secrets?filters=\(query)", call: call)
        guard response.status == 200 else { throw response.error(call: call, container: nil) }
        return try response.decode([SecretSummary].self, call: call, container: nil)
    }

    /// Removes a secret; one still in use by a service stays, and says so (false).
    public func removeSecret(id: String) async throws(DockerError) -> Bool {
        let call = "DELETE /secrets/{id}"
        let response = try await send(.DELETE, "/secrets/\(escape(id))", call: call, container: id)
        switch response.status {
        case 204, 404: return true
        case 400, 409: return false
        default: throw response.error(call: call, container: id)
        }
    }
}

/// A Swarm secret as `GET /secrets` lists it.
public struct SecretSummary: Sendable, Equatable, Decodable {
    /// Swarm's id.
    public var id: String
    /// Its name.
    public var name: String
    /// Its labels.
    public var labels: [String: String]

    enum CodingKeys: String, CodingKey {
        case id = "ID"
        case spec = "Spec"
    }
    enum SpecKeys: String, CodingKey {
        case name = "Name"
        case labels = "Labels"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        let spec = try container.nestedContainer(keyedBy: SpecKeys.self, forKey: .spec)
        name = try spec.decode(String.self, forKey: .name)
        labels = try spec.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
    }
}

/// A secret as a replica sees it: `/run/secrets/<fileName>`, owned by `uid`:`gid`, mode 0400.
public struct SecretReference: Sendable, Equatable {
    /// Swarm's id of the secret.
    public var secretID: String
    /// The secret's name in the swarm.
    public var secretName: String
    /// The file's name under /run/secrets.
    public var fileName: String
    /// The owner, numeric.
    public var uid: Int
    /// The group, numeric.
    public var gid: Int

    /// Creates a reference.
    public init(secretID: String, secretName: String, fileName: String, uid: Int, gid: Int) {
        self.secretID = secretID
        self.secretName = secretName
        self.fileName = fileName
        self.uid = uid
        self.gid = gid
    }

    var engineObject: JSONValue {
        [
            "SecretID": .string(secretID),
            "SecretName": .string(secretName),
            "File": ["Name": .string(fileName), "UID": .string(String(uid)), "GID": .string(String(gid)), "Mode": .integer(0o400)],
        ]
    }
}
