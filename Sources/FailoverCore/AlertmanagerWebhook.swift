import FoundationEssentials

/// Alertmanager's webhook payload, version 4, as documented for `webhook_config`.
///
/// Unknown fields are ignored so newer Alertmanagers keep working; fields the decision needs
/// are strictly typed so a malformed sender gets a 400 naming the field.
public struct AlertmanagerWebhook: Decodable, Sendable, Equatable {
    /// Always "4" for the payloads this daemon understands.
    public var version: String
    /// Identifies the alert group; logged to correlate with Alertmanager's own logs.
    public var groupKey: String
    /// How many alerts Alertmanager left out because of `max_alerts`.
    public var truncatedAlerts: Int
    /// The group's status. Not used for the decision: a group can mix firing and resolved alerts.
    public var status: AlertStatus
    /// The receiver name that sent this.
    public var receiver: String
    /// The alerts of the group.
    public var alerts: [Alert]

    enum CodingKeys: String, CodingKey {
        case version, groupKey, truncatedAlerts, status, receiver, alerts
    }

    /// Creates a payload (tests, tools).
    public init(
        version: String = "4",
        groupKey: String = "{}",
        truncatedAlerts: Int = 0,
        status: AlertStatus,
        receiver: String = "failoverd",
        alerts: [Alert]
    ) {
        self.version = version
        self.groupKey = groupKey
        self.truncatedAlerts = truncatedAlerts
        self.status = status
        self.receiver = receiver
        self.alerts = alerts
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(String.self, forKey: .version)
        groupKey = try container.decodeIfPresent(String.self, forKey: .groupKey) ?? ""
        truncatedAlerts = try container.decodeIfPresent(Int.self, forKey: .truncatedAlerts) ?? 0
        status = try container.decode(AlertStatus.self, forKey: .status)
        receiver = try container.decodeIfPresent(String.self, forKey: .receiver) ?? ""
        alerts = try container.decode([Alert].self, forKey: .alerts)
    }

    /// Whether a payload with this version can be decided on.
    public static let supportedVersion = "4"
}

/// `firing` or `resolved`.
public enum AlertStatus: String, Codable, Sendable, Equatable {
    case firing
    case resolved
}

/// One alert of a webhook notification.
public struct Alert: Decodable, Sendable, Equatable {
    /// Firing or resolved at the time Alertmanager sent the notification.
    public var status: AlertStatus
    /// Identifying labels (alertname, instance, site, ...).
    public var labels: [String: String]
    /// When the alert started; identifies one firing episode of the fingerprint.
    public var startsAt: Date
    /// When it resolved, or nil for Go's zero time (still firing with no end known).
    public var endsAt: Date?
    /// Alertmanager's stable hash of the labels; the unit the decision is made per.
    public var fingerprint: String

    enum CodingKeys: String, CodingKey {
        case status, labels, startsAt, endsAt, fingerprint
    }

    /// Creates an alert (tests, tools).
    public init(status: AlertStatus, labels: [String: String], startsAt: Date, endsAt: Date? = nil, fingerprint: String) {
        self.status = status
        self.labels = labels
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.fingerprint = fingerprint
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decode(AlertStatus.self, forKey: .status)
        labels = try container.decode([String: String].self, forKey: .labels)
        fingerprint = try container.decode(String.self, forKey: .fingerprint)
        guard !fingerprint.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .fingerprint, in: container, debugDescription: "must not be empty")
        }
        startsAt = try Self.decodeTime(container, .startsAt)
        let end = try Self.decodeTime(container, .endsAt)
        // Alertmanager writes Go's zero time (0001-01-01T00:00:00Z) when no end is known.
        endsAt = end.timeIntervalSince1970 < 0 ? nil : end
    }

    private static func decodeTime(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Date {
        let text = try container.decode(String.self, forKey: key)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not an RFC 3339 time: '\(text)'")
        }
        return date
    }
}

/// Why a webhook body cannot be used; the message tells the sender what to fix.
public struct WebhookPayloadError: Error, Equatable, CustomStringConvertible {
    /// A one-line reason naming the field.
    public var description: String

    /// Decodes and checks a body. Throws with a reason naming the offending field.
    public static func decode(_ body: some Collection<UInt8>) throws(WebhookPayloadError) -> AlertmanagerWebhook {
        let payload: AlertmanagerWebhook
        if let scanned = body.withContiguousStorageIfAvailable({ WebhookScanner.read(UnsafeRawBufferPointer($0)) }) ?? nil {
            payload = scanned
        } else {
            // The scanner leaves every body with a duplicate key it reads; here any duplicate is refused.
            if let duplicate = JSONDuplicateKeys.first(in: body) {
                throw WebhookPayloadError(
                    description: "\(duplicate): duplicate key; Alertmanager never sends one, and readers disagree on which value counts"
                )
            }
            payload = try decodeWithJSONDecoder(body)
        }
        guard payload.truncatedAlerts >= 0 else {
            throw WebhookPayloadError(description: "truncatedAlerts: must be 0 or more, got \(payload.truncatedAlerts)")
        }
        guard payload.version == AlertmanagerWebhook.supportedVersion else {
            throw WebhookPayloadError(
                description: "version: expected \"4\", got \"\(payload.version)\"; this receiver speaks Alertmanager webhook payload version 4"
            )
        }
        return payload
    }

    /// The reference reader: every body the scanner leaves, and every error message.
    package static func decodeWithJSONDecoder(_ body: some Collection<UInt8>) throws(WebhookPayloadError) -> AlertmanagerWebhook {
        do {
            return try JSONDecoder().decode(AlertmanagerWebhook.self, from: Data(body))
        } catch let error as DecodingError {
            throw WebhookPayloadError(description: Self.describe(error))
        } catch {
            throw WebhookPayloadError(description: "body is not valid JSON")
        }
    }

    /// A decoding error as a one-line reason naming the field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "body" : text)
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required field is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): wrong type, expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): null where \(type) is required"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "body is not valid JSON" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "body does not match the webhook payload"
        }
    }
}
