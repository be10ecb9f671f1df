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

        enum CodingKeys: String, CodingKey {
            case status = "Status"
            case running = "Running"
            case exitCode = "ExitCode"
            case health = "Health"
        }
        enum HealthKeys: String, CodingKey { case status = "Status" }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            status = try container.decode(String.self, forKey: .status)
            running = try container.decode(Bool.self, forKey: .running)
            exitCode = try container.decodeIfPresent(Int.self, forKey: .exitCode) ?? 0
            if container.contains(.health), try !container.decodeNil(forKey: .health) {
                health = try container.nestedContainer(keyedBy: HealthKeys.self, forKey: .health).decode(String.self, forKey: .status)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case name = "Name"
        case state = "State"
        case config = "Config"
    }
    enum ConfigKeys: String, CodingKey { case labels = "Labels" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        state = try container.decode(State.self, forKey: .state)
        let config = try container.nestedContainer(keyedBy: ConfigKeys.self, forKey: .config)
        labels = try config.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
    }
}
