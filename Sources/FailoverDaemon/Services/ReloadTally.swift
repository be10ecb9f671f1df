import Synchronization

/// How the reloads since start went, for `failoverd reload` (systemctl reload) to see the one it
/// asked for happen. Served on `/health`, which needs no token: a reload may be rotating it, and
/// the counts reveal nothing `/metrics` guards.
final class ReloadTally: Sendable {
    private let counts = Mutex(ReloadCounts(applied: 0, rejected: 0, restartRequired: false))

    /// Counts one reload.
    func record(applied: Bool, restartRequired: Bool) {
        counts.withLock { counts in
            if applied {
                counts.applied += 1
                counts.restartRequired = restartRequired
            } else {
                counts.rejected += 1
            }
        }
    }

    /// The counts so far.
    var current: ReloadCounts { counts.withLock { $0 } }
}

extension ReloadCounts {
    /// The `/health` header that carries the counts.
    public static let headerName = "Failoverd-Reloads"

    /// The header's value: `applied=1, rejected=0, restart-required=true`.
    var headerValue: String { "applied=\(applied), rejected=\(rejected), restart-required=\(restartRequired)" }

    /// Reads the header's value; nil when it is not one.
    public init?(headerValue: String) {
        var fields: [String: String] = [:]
        for field in headerValue.split(separator: ",") {
            let parts = field.split(separator: "=", maxSplits: 1).map { String($0.drop { $0 == " " }) }
            guard parts.count == 2 else { return nil }
            fields[parts[0]] = parts[1]
        }
        guard let applied = fields["applied"].flatMap(Int.init), let rejected = fields["rejected"].flatMap(Int.init) else { return nil }
        self.init(applied: applied, rejected: rejected, restartRequired: fields["restart-required"] == "true")
    }
}
