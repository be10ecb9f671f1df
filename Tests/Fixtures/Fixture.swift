import Foundation

/// Alertmanager webhook bodies kept as files under `Tests/Fixtures/alertmanager/`, shared by
/// the Swift tests and the shell tests (`scripts/lib/webhook_body.py` reads the same files).
public enum AlertmanagerFixture {
    /// The fixture folder, found next to this source file so tests need no bundle.
    public static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("alertmanager").path

    /// A fixture exactly as stored.
    public static func raw(_ name: String) -> String {
        // A missing fixture is a broken checkout, not a test outcome.
        try! String(contentsOfFile: "\(directory)/\(name).json", encoding: .utf8)
    }

    /// A fixture with its first alert changed: `status` applies to the group and every alert,
    /// the rest to the first alert. The same options as `webhook_body.py`.
    public static func body(
        _ name: String = "onprem-down",
        status: String? = nil,
        fingerprint: String? = nil,
        startsAt: String? = nil,
        endsAt: String? = nil,
        alertname: String? = nil,
        groupKey: String? = nil
    ) -> String {
        var payload = try! JSONSerialization.jsonObject(with: Data(raw(name).utf8)) as! [String: Any]
        var alerts = payload["alerts"] as! [[String: Any]]
        if let status {
            payload["status"] = status
            for index in alerts.indices { alerts[index]["status"] = status }
        }
        if let fingerprint { alerts[0]["fingerprint"] = fingerprint }
        if let startsAt { alerts[0]["startsAt"] = startsAt }
        if let endsAt { alerts[0]["endsAt"] = endsAt }
        if let alertname {
            var labels = alerts[0]["labels"] as! [String: String]
            labels["alertname"] = alertname
            alerts[0]["labels"] = labels
        }
        if let groupKey { payload["groupKey"] = groupKey }
        payload["alerts"] = alerts
        return String(decoding: try! JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self)
    }
}
