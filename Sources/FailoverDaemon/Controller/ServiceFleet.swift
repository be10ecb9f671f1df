import FailoverCore

/// The services one failoverd manages, each decided by its own controller against its own
/// runtime, so one service's Docker failure or slow start never holds up another's failover.
public struct ServiceFleet: Sendable {
    /// One managed service.
    public struct Member: Sendable {
        /// Its name (`services[].name`, or the container's for the single service).
        public let name: String
        /// Its decision actor.
        public let controller: FailoverController
    }

    /// In configuration order.
    public let members: [Member]
    /// Whether the configuration lists services; replies and `/status` then name each one,
    /// and a single-service daemon answers exactly as before services existed.
    public let namesServices: Bool

    /// The member called `name`.
    public func member(named name: String) -> Member? {
        members.first { $0.name == name }
    }

    /// Every member's status, named when the configuration lists services.
    func status(of selected: [Member]? = nil) async -> FleetStatus {
        var reports: [StatusReport] = []
        for member in selected ?? members {
            var report = await member.controller.report()
            if namesServices { report.service = member.name }
            reports.append(report)
        }
        return FleetStatus(services: reports)
    }
}
