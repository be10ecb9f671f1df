import Synchronization

/// Keeps each service's latest one-line status and hands on the combined line, so systemd's
/// `STATUS=` shows every service on one readable line.
final class StatusLineCombiner: Sendable {
    private let names: [String]
    private let lines: Mutex<[String: String]>
    private let publish: @Sendable (String) -> Void

    init(names: [String], publish: @escaping @Sendable (String) -> Void) {
        self.names = names
        self.lines = Mutex([:])
        self.publish = publish
    }

    /// The observer for one service's status changes.
    func observer(for name: String) -> @Sendable (String) -> Void {
        { [self] line in
            let combined = lines.withLock { lines in
                lines[name] = line
                return FleetStatus.combinedSummary(names.compactMap { name in lines[name].map { (name, $0) } })
            }
            publish(combined)
        }
    }
}
