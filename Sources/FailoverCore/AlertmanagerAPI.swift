import FoundationEssentials

/// Reads the two answers of Alertmanager's API v2 that failoverd asks for.
public enum AlertmanagerAPI {
    /// The alerts of `GET /api/v2/alerts` (Alertmanager's `gettableAlerts`), as firing alerts.
    public static func decodeAlerts(_ body: some Collection<UInt8>) throws(AlertmanagerAPIError) -> [Alert] {
        let listed: [ListedAlert]
        do {
            listed = try JSONDecoder().decode([ListedAlert].self, from: Data(body))
        } catch {
            throw AlertmanagerAPIError(description: "not a list of alerts: \(Self.reason(error))")
        }
        var alerts: [Alert] = []
        alerts.reserveCapacity(listed.count)
        for alert in listed {
            guard !alert.fingerprint.isEmpty else {
                throw AlertmanagerAPIError(description: "an alert with labels \(alert.labels) has an empty fingerprint")
            }
            guard let startsAt = RFC3339.parse(alert.startsAt) else {
                throw AlertmanagerAPIError(description: "alert \(alert.fingerprint): startsAt '\(alert.startsAt)' is not an RFC 3339 time")
            }
            alerts.append(Alert(status: .firing, labels: alert.labels, startsAt: startsAt, fingerprint: alert.fingerprint))
        }
        return alerts
    }

    /// When the Alertmanager answering `GET /api/v2/status` started (its `uptime` field).
    public static func decodeStartTime(_ body: some Collection<UInt8>) throws(AlertmanagerAPIError) -> Date {
        let status: Status
        do {
            status = try JSONDecoder().decode(Status.self, from: Data(body))
        } catch {
            throw AlertmanagerAPIError(description: "not an Alertmanager status: \(Self.reason(error))")
        }
        guard let started = RFC3339.parse(status.uptime) else {
            throw AlertmanagerAPIError(description: "status uptime '\(status.uptime)' is not an RFC 3339 time")
        }
        return started
    }

    /// The query of `GET /api/v2/alerts` for the alerts one selector matches: active ones,
    /// silenced, inhibited and not yet processed ones included (see `AlertmanagerView`).
    public static func alertsQuery(for selector: AlertSelector) -> String {
        let filters = selector.matchers.map { "filter=" + percentEncoded($0.description) }
        return (["active=true", "silenced=true", "inhibited=true", "unprocessed=true"] + filters).joined(separator: "&")
    }

    /// RFC 3986 query escaping: everything but unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        let hexDigits = Array("0123456789ABCDEF")
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.append(Character(UnicodeScalar(byte)))
            default:
                encoded += "%\(hexDigits[Int(byte >> 4)])\(hexDigits[Int(byte & 0xF)])"
            }
        }
        return encoded
    }

    private static func reason(_ error: any Error) -> String {
        (error as? DecodingError).map(WebhookPayloadError.describe) ?? "not valid JSON"
    }

    private struct ListedAlert: Decodable {
        var labels: [String: String]
        var startsAt: String
        var fingerprint: String
    }

    private struct Status: Decodable {
        var uptime: String
    }
}

/// An Alertmanager answer failoverd cannot read.
public struct AlertmanagerAPIError: Error, Equatable, CustomStringConvertible {
    /// What is wrong with the answer.
    public var description: String
}
