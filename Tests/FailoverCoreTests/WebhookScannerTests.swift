import FailoverCore
import FoundationEssentials
import TestFixtures
import Testing

/// The fast reader must read every body it accepts exactly as `JSONDecoder` does, and leave
/// every other body to it (which then also words the error).
@Suite("webhook scanner agrees with JSONDecoder")
struct WebhookScannerTests {
    static let fixtures = ["onprem-down", "non-trigger-group", "mixed-group-with-unknown-fields"].map(AlertmanagerFixture.raw)

    @Test(arguments: fixtures)
    func alertmanagersOwnBodiesTakeTheFastPathAndReadTheSame(_ body: String) throws {
        let scanned = try #require(scan(body), "the fast path accepts what Alertmanager sends")
        #expect(scanned == (try WebhookPayloadError.decodeWithJSONDecoder(Array(body.utf8))))
    }

    @Test(arguments: [
        // escapes, whitespace and unknown values of every JSON type
        #"{"version":"4","groupKey":"{}:{a=\"b\\c\/d\n\t\"}","status":"firing","x":[1,-2.5e+3,true,false,null,{"y":[]}],"alerts":[ ]}"#,
        " \n{ \"version\" : \"4\" , \"status\" : \"resolved\" , \"alerts\" : [ ] , \"truncatedAlerts\" : 12 } \r\n",
        // what it leaves to JSONDecoder
        #"{"version":"4","groupKey":"caf\u00e9","status":"firing","alerts":[]}"#,
        "{\"version\":\"4\",\"groupKey\":\"café\",\"status\":\"firing\",\"alerts\":[]}",
        #"{"version":"4","status":"firing","status":"resolved","alerts":[]}"#,
        #"{"version":"4","status":"firing","alerts":[],"truncatedAlerts":1.0}"#,
        #"{"version":"4","status":"firing","alerts":[],"truncatedAlerts":null}"#,
        #"{"version":"4","status":"firing","alerts":[],"groupKey":null}"#,
        #"{"version":"4","status":"firing","alerts":[],"x":01}"#,
        #"{"version":"4","status":"firing","alerts":[],}"#,
        #"{"version":"4","status":"firing","alerts":[]} x"#,
        #"[{"version":"4"}]"#,
        // skipped values are checked, not decoded: a \u escape there is read past, a bad escape is not
        #"{"version":"4","status":"firing","alerts":[],"commonAnnotations":{"summary":"caf\u00e9 \uD83D\uDE00"}}"#,
        #"{"version":"4","status":"firing","alerts":[],"commonAnnotations":{"summary":"bad \x escape"}}"#,
        #"{"version":"4","status":"firing","alerts":[],"externalURL":"\u00G0"}"#,
        // an escaped key is the key it spells, for JSONDecoder
        #"{"version":"4","status":"firing","alerts":[],"group\u004Bey":"g"}"#,
    ])
    func handwrittenEdgesAgree(_ body: String) {
        expectAgreement(body)
    }

    @Test func tenThousandMutationsOfRealBodiesAgree() {
        var random = SplitMix64(seed: 0x5EED)
        let alphabet = Array(#"{}[],:" \-+.0123456789eE"tfnul\/ab"#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xA9, 0xFF]
        var accepted = 0
        for round in 0..<10_000 {
            var body = Array(Self.fixtures[round % Self.fixtures.count].utf8)
            for _ in 0...(random.next() % 3) {
                let at = Int(random.next() % UInt64(body.count))
                switch random.next() % 4 {
                case 0: body.remove(at: at)
                case 1: body.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: at)
                case 2: body[at] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                default: body.insert(contentsOf: body[at..<min(body.count, at + Int(random.next() % 40))], at: at)
                }
            }
            if expectAgreement(body) { accepted += 1 }
        }
        #expect(accepted > 1_000, "mutations that stay valid (inside skipped values, say) take the fast path too")
    }

    /// Returns whether the scanner accepted the body.
    @discardableResult
    private func expectAgreement(_ body: some Collection<UInt8>) -> Bool {
        let bytes = Array(body)
        guard let scanned = bytes.withUnsafeBytes(WebhookScanner.read) else { return false }
        #expect(scanned == (try? WebhookPayloadError.decodeWithJSONDecoder(bytes)), "\(String(decoding: bytes, as: UTF8.self))")
        return true
    }

    @discardableResult
    private func expectAgreement(_ body: String) -> Bool {
        expectAgreement(Array(body.utf8))
    }

    private func scan(_ body: String) -> AlertmanagerWebhook? {
        Array(body.utf8).withUnsafeBytes(WebhookScanner.read)
    }
}
