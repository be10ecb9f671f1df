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

    /// A fixture with its status (of the group and every alert) and its first alert's end
    /// changed, as `webhook_body.py --status --ends-at` does.
    public static func body(_ name: String = "onprem-down", status: String, endsAt: String? = nil) -> String {
        var payload = try! JSONSerialization.jsonObject(with: Data(raw(name).utf8)) as! [String: Any]
        var alerts = payload["alerts"] as! [[String: Any]]
        payload["status"] = status
        for index in alerts.indices { alerts[index]["status"] = status }
        if let endsAt { alerts[0]["endsAt"] = endsAt }
        payload["alerts"] = alerts
        return String(decoding: try! JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self)
    }
}
