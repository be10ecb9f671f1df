/// The parts of `GET /containers/{id}/json` failoverd acts on.
public struct ContainerInspection: Sendable, Equatable, Decodable {
    /// Full container id; every later call uses it, never a name prefix.
    public var id: String
    /// Name with Docker's leading slash.
    public var name: String
    /// Runtime state.
    public var state: State
    /// Labels from the container's config.
    public var labels: [String: String]
    /// The id of the image it was made from.
    public var imageID: String
    /// The user it runs as (its spec's, else its image's); empty is root.
    public var user: String

    /// `State` of the inspection.
    public struct State: Sendable, Equatable, Decodable {
        /// created, running, paused, restarting, removing, exited or dead.
        public var status: String
        /// Whether the main process runs.
        public var running: Bool
        /// Exit code of the last run.
        public var exitCode: Int
        /// Health status when the image declares a HEALTHCHECK: starting, healthy, unhealthy.
        public var health: String?
        /// The last health check's output, trimmed: why it is not healthy.
        public var lastHealthOutput: String?

        enum CodingKeys: String, CodingKey {
            case status = "Status"
            case running = "Running"
            case exitCode = "ExitCode"
            case health = "Health"
        }
        enum HealthKeys: String, CodingKey {
            case status = "Status"
            case log = "Log"
        }
        struct HealthLogEntry: Decodable { let Output: String? }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            status = try container.decode(String.self, forKey: .status)
            running = try container.decode(Bool.self, forKey: .running)
            exitCode = try container.decodeIfPresent(Int.self, forKey: .exitCode) ?? 0
            if container.contains(.health), try !container.decodeNil(forKey: .health) {
                let healthState = try container.nestedContainer(keyedBy: HealthKeys.self, forKey: .health)
                health = try healthState.decode(String.self, forKey: .status)
                let output = try healthState.decodeIfPresent([HealthLogEntry].self, forKey: .log)?.last?.Output
                let trimmed = output.map { String($0.prefix(200).drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) }
                lastHealthOutput = trimmed?.isEmpty == false ? trimmed : nil
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case name = "Name"
        case state = "State"
        case config = "Config"
        case image = "Image"
    }
    enum ConfigKeys: String, CodingKey {
        case labels = "Labels"
        case user = "User"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        state = try container.decode(State.self, forKey: .state)
        imageID = try container.decodeIfPresent(String.self, forKey: .image) ?? ""
        let config = try container.nestedContainer(keyedBy: ConfigKeys.self, forKey: .config)
        labels = try config.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        user = try config.decodeIfPresent(String.self, forKey: .user) ?? ""
    }
}
