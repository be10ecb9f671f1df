import FoundationEssentials
import RuntimeSpec

/// The parts of `GET /services/{id}` failoverd acts on, and the spec as dockerd returned it.
public struct ServiceInspection: Sendable, Equatable {
    /// Swarm's service id.
    public var id: String
    /// The object version an update must quote, so two writers cannot overwrite each other.
    public var version: UInt64
    /// Labels of the service (not of its tasks).
    public var labels: [String: String]
    /// Desired replicas; nil for a global service, which failoverd does not scale.
    public var replicas: Int?
    /// The image its replicas run (failoverd creates services from an image id).
    public var imageID: String? { spec["TaskTemplate"]?["ContainerSpec"]?["Image"]?.string }
    /// The whole `Spec`: an update sends it back with only the replica count changed, so fields
    /// this client does not know (set by an operator, or a newer Engine) survive.
    let spec: JSONValue

    init(body: Data, call: String) throws(DockerError) {
        guard let root = try? JSONDecoder().decode(JSONValue.self, from: body),
            let id = root["ID"]?.string,
            let version = root["Version"]?["Index"]?.integer, version >= 0,
            let spec = root["Spec"], case .object(let members) = spec
        else {
            throw DockerError(kind: .badResponse, call: call, message: "unreadable service: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        self.id = id
        self.version = UInt64(version)
        if case .object(let labels)? = members["Labels"] {
            self.labels = labels.compactMapValues(\.string)
        } else {
            self.labels = [:]
        }
        self.replicas = spec["Mode"]?["Replicated"].map { Int($0["Replicas"]?.integer ?? 0) }
        self.spec = spec
    }

    /// The spec to send to `POST /services/{id}/update` for `replicas` replicas.
    func spec(withReplicas replicas: Int) throws(DockerError) -> Data {
        var spec = self.spec
        spec["Mode"] = ["Replicated": ["Replicas": .integer(Int64(replicas))]]
        guard let data = try? JSONEncoder().encode(spec) else {
            throw DockerError(kind: .badResponse, call: "POST /services/{id}/update", container: id, message: "cannot encode spec")
        }
        return data
    }
}

/// One task of a service, as `GET /tasks` lists it.
public struct TaskSummary: Sendable, Equatable, Decodable {
    /// What the task is doing: new, pending, assigned, preparing, starting, running, complete,
    /// failed, shutdown, rejected, orphaned, remove.
    public var state: String
    /// What swarm wants it to do: running, or shutdown once it is replaced or scaled away.
    public var desiredState: String
    /// Why it failed or was rejected, when it did.
    public var error: String?
    /// When the task last changed state (RFC 3339), for naming the newest error.
    public var updatedAt: String

    /// Whether it is up and wanted: swarm marks a task whose image has a HEALTHCHECK running
    /// only once the container is healthy.
    public var isServing: Bool { state == "running" && desiredState == "running" }

    enum CodingKeys: String, CodingKey {
        case desiredState = "DesiredState"
        case status = "Status"
        case updatedAt = "UpdatedAt"
    }
    enum StatusKeys: String, CodingKey {
        case state = "State"
        case error = "Err"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        desiredState = try container.decode(String.self, forKey: .desiredState)
        updatedAt = try container.decodeIfPresent(String.self, forKey: .updatedAt) ?? ""
        let status = try container.nestedContainer(keyedBy: StatusKeys.self, forKey: .status)
        state = try status.decode(String.self, forKey: .state)
        error = try status.decodeIfPresent(String.self, forKey: .error)
    }
}

/// What failoverd creates a Swarm service from: the container spec of each replica, started
/// from a local image by id so no node ever asks a registry.
public struct SwarmServiceSpec: Sendable, Equatable {
    /// Service name; failoverd finds it by name.
    public var name: String
    /// Each replica's container (image, environment, labels, network, stop grace).
    public var container: ContainerSpec
    /// Replicas while failed over.
    public var replicas: Int
    /// Pause before swarm restarts a task that exited (its default is 5 s).
    public var restartDelaySeconds: Double

    /// Creates a spec.
    public init(container: ContainerSpec, replicas: Int, restartDelaySeconds: Double = 1) {
        self.name = container.name
        self.container = container
        self.replicas = replicas
        self.restartDelaySeconds = restartDelaySeconds
    }

    /// A stable hash of what the service is created from, stored as a label: the container's,
    /// the image id its reference resolved to (a retagged image is noticed too), and the swarm
    /// secrets' names (each names one content, so a changed secret file is noticed).
    public func fingerprint(imageID: String, secretNames: [String] = []) -> String {
        let secrets = secretNames.isEmpty ? "" : "-" + ContainerSpec(name: "", image: secretNames.sorted().joined(separator: ",")).fingerprint
        return "\(container.fingerprint)-\(imageID.split(separator: ":").last?.prefix(12) ?? "")" + secrets
    }
}
