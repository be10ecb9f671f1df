import FailoverCore
import Testing

@Suite("Trigger matchers (Alertmanager syntax)")
struct LabelMatcherTests {
    @Test(arguments: [
        (" \t application/json \r\n", "application/json"), ("a  b", "a  b"), (" \n\t ", ""), ("", ""), ("\u{00A0}x\u{2003}", "x"),
    ])
    func trimmingDropsOnlyTheOuterWhitespace(text: String, trimmed: String) {
        #expect(text.trimmingWhitespace() == trimmed)
        #expect(("[" + text + "]").dropFirst().dropLast().trimmingWhitespace() == trimmed)
    }

    @Test(arguments: [
        (#"alertname="OnPremDown""#, ["alertname": "OnPremDown"], true),
        (#"alertname="OnPremDown""#, ["alertname": "OnPremDownish"], false),
        (#"{alertname="OnPremDown", severity=~"page|critical"}"#, ["alertname": "OnPremDown", "severity": "critical"], true),
        (#"{alertname="OnPremDown", severity=~"page|critical"}"#, ["alertname": "OnPremDown", "severity": "ticket"], false),
        (#"site!="lab""#, ["site": "dc1"], true),
        (#"site!="lab""#, [:], true),
        (#"site!~"lab.*""#, ["site": "lab-2"], false),
        (#"site=~"dc.""#, ["site": "dc12"], false),
        (#"env="""#, [:], true),
        (#"msg="a,b""#, ["msg": "a,b"], true),
        (#"msg="say \"hi\"""#, ["msg": #"say "hi""#], true),
    ])
    func selectorsMatchLikeAlertmanager(_ selector: String, _ labels: [String: String], _ expected: Bool) throws {
        #expect(try AlertSelector(parsing: selector).matches(labels) == expected)
    }

    @Test(arguments: ["", "{}", "alertname", #"1abc="x""#, "\u{073B}te=P", #"sité="x""#, #"a=~"(""#, #"a<"x""#, #"a="x"#])
    func malformedSelectorsAreRejected(_ selector: String) {
        #expect(throws: MatcherSyntaxError.self) { try AlertSelector(parsing: selector) }
    }

    /// Found by `scripts/fuzz/run.sh matcher`: a newline followed by a combining mark printed as
    /// `\n` + the mark, which joined the `n` into one Character, so the trigger sent to
    /// Alertmanager's API read back without its newline.
    @Test func triggersPrintBackToThemselvesWhenAMarkFollowsAnEscape() throws {
        let text = "site=\"a\n\u{0749}b\""
        let selector = try AlertSelector(parsing: text)
        #expect(try AlertSelector(parsing: selector.description) == selector)
    }
}
