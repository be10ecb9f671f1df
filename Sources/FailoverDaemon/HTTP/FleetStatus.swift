/// The answer of `GET /status`, `/pause` and `/resume`: one service's report as it always
/// was, or, when the configuration lists services, a combined summary and each one's report.
public struct FleetStatus: Codable, Sendable, Equatable {
    /// One report per service; a single unnamed one for a single-service daemon.
    public var services: [StatusReport]

    /// A single-service daemon's answer, shaped as it was before services existed.
    private var only: StatusReport? {
        services.count == 1 && services[0].service == nil ? services[0] : nil
    }

    /// The combined one-line status.
    public var summary: String {
        if let only { return only.summary }
        return Self.combinedSummary(services.map { ($0.service ?? "", $0.summary) })
    }

    /// `name: line | name: line`: every service on one line, in configuration order.
    static func combinedSummary(_ lines: [(name: String, line: String)]) -> String {
        lines.map { "\($0.name): \($0.line)" }.joined(separator: " | ")
    }

    init(services: [StatusReport]) {
        self.services = services
    }

    enum CodingKeys: String, CodingKey { case summary, services }

    public func encode(to encoder: any Encoder) throws {
        if let only {
            try only.encode(to: encoder)
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(summary, forKey: .summary)
        try container.encode(services, forKey: .services)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.services) {
            services = try container.decode([StatusReport].self, forKey: .services)
        } else {
            services = [try StatusReport(from: decoder)]
        }
    }

    /// As `failoverd status` prints it.
    public func rendered() -> String {
        if let only { return only.rendered() }
        return (["failoverd: \(summary)"] + services.map { $0.rendered() }).joined(separator: "\n")
    }
}
