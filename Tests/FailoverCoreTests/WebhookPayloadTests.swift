import FailoverCore
import FoundationEssentials
import TestFixtures
import Testing

@Suite("Alertmanager webhook payload")
struct WebhookPayloadTests {
    /// A payload shaped exactly as Alertmanager sends it, with fields we do not use.
    static let sample = AlertmanagerFixture.raw("mixed-group-with-unknown-fields")

    /// One alert with `status` twice (`first`, then `second`), as no Alertmanager writes it.
    private static func alertStatusTwice(_ first: String, _ second: String, key: String = "status") -> String {
        #"{"version":"4","status":"firing","alerts":[{"status":"\#(first)","labels":{"alertname":"OnPremDown"},"#
            + #""startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f","\#(key)":"\#(second)"}]}"#
    }

    @Test(arguments: [
        (alertStatusTwice("firing", "resolved"), "alerts[0].status: duplicate key"),
        (alertStatusTwice("resolved", "firing", key: #"\u0073tatus"#), "alerts[0].status: duplicate key"),
        (#"{"version":"4","status":"firing","alerts":[],"alerts":[]}"#, "alerts: duplicate key"),
        (
            #"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"site":"a","site":"b"},"#
                + #""startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f"}]}"#,
            "alerts[0].labels.site: duplicate key"
        ),
    ])
    func aDuplicateKeyIsRefusedNamingIt(body: String, reason: String) {
        // Go's reader (Alertmanager's) keeps the last value, Foundation's the first: neither is guessed.
        #expect(throws: WebhookPayloadError.self) { try WebhookPayloadError.decode(Array(body.utf8)) }
        do {
            _ = try WebhookPayloadError.decode(Array(body.utf8))
        } catch {
            #expect(error.description.hasPrefix(reason), "\(error.description)")
        }
    }

    @Test func decodesAlertmanagersPayloadIgnoringUnknownFields() throws {
        let payload = try WebhookPayloadError.decode(Array(Self.sample.utf8))
        #expect(payload.version == "4")
        #expect(payload.alerts.count == 2)
        let firing = payload.alerts[0]
        #expect(firing.fingerprint == "a1b2c3")
        #expect(firing.endsAt == nil)
        #expect(abs(firing.startsAt.timeIntervalSince1970 - 1_795_428_000.123456789) < 0.000_001)
        #expect(payload.alerts[1].startsAt == RFC3339.parse("2026-11-23T08:00:00Z"))
        #expect(payload.alerts[1].endsAt == RFC3339.parse("2026-11-23T09:30:00.500Z"))
    }

    @Test(arguments: [
        (#"{"version":"3","status":"firing","alerts":[]}"#, #"version: expected "4", got "3""#),
        (#"{"status":"firing","alerts":[]}"#, "version: required field is missing"),
        (#"{"version":"4","status":"firing"}"#, "alerts: required field is missing"),
        (#"{"version":"4","status":"burning","alerts":[]}"#, "status:"),
        (#"{"version":"4","status":"firing","alerts":{}}"#, "alerts: wrong type"),
        (
            #"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{},"startsAt":"yesterday","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f"}]}"#,
            "alerts[0].startsAt: not an RFC 3339 time: 'yesterday'"
        ),
        (
            #"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"a":1},"startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f"}]}"#,
            "alerts[0].labels.a: wrong type"
        ),
        (
            #"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{},"startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":""}]}"#,
            "alerts[0].fingerprint: must not be empty"
        ),
        (
            #"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{},"startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z"}]}"#,
            "alerts[0].fingerprint: required field is missing"
        ),
        ("{not json", "body is not valid JSON"),
        ("", "body is not valid JSON"),
    ])
    func badPayloadsAreRejectedNamingTheField(_ body: String, _ reason: String) {
        #expect {
            _ = try WebhookPayloadError.decode(Array(body.utf8))
        } throws: { error in
            (error as? WebhookPayloadError)?.description.hasPrefix(reason) == true
        }
    }

    @Test(arguments: [
        ("2026-11-23T10:00:00Z", 1_795_428_000.0),
        ("2026-11-23t10:00:00z", 1_795_428_000.0),
        ("2026-11-23T11:30:00+01:30", 1_795_428_000.0),
        ("2026-11-23T10:00:00.25Z", 1_795_428_000.25),
        ("1970-01-01T00:00:00Z", 0.0),
        ("2000-02-29T00:00:00Z", 951_782_400.0),
    ])
    func parsesRFC3339(_ text: String, _ epoch: Double) {
        #expect(RFC3339.parse(text)?.timeIntervalSince1970 == epoch)
    }

    @Test(arguments: ["2026-11-23", "2026-11-23T10:00:00", "2026-13-01T00:00:00Z", "2026-11-23T10:00:00.Z", "2026-11-23T10:00:00Zjunk"])
    func rejectsNonRFC3339(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func formatsRoundTrip() {
        let date = Date(timeIntervalSince1970: 1_795_428_000.25)
        #expect(RFC3339.format(date) == "2026-11-23T10:00:00.250Z")
        #expect(RFC3339.parse(RFC3339.format(date)) == date)
    }
}
