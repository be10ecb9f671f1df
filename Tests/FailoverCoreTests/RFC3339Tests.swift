import FailoverCore
import FoundationEssentials
import Testing

@Suite("RFC 3339 times")
struct RFC3339Tests {
    @Test(arguments: ["0001-01-01T00:00:00Z", "2026-11-23T10:00:00.123456789Z", "9999-12-31T23:59:59.999Z", "2026-12-01t16:59:24+05:30"])
    func timesAlertmanagerWritesPrintBackToTheSameMillisecond(_ text: String) throws {
        let date = try #require(RFC3339.parse(text))
        let reread = try #require(RFC3339.parse(RFC3339.format(date)))
        #expect(abs(reread.timeIntervalSince(date)) < 0.001)
    }

    /// Found by `scripts/fuzz/run.sh rfc3339`: the Double nearest .89 s (or .81 s in year 9971) is
    /// just below it.
    @Test func fractionsPrintAsWritten() throws {
        #expect(RFC3339.format(try #require(RFC3339.parse("1971-11-23T10:00:00.89Z"))) == "1971-11-23T10:00:00.890Z")
        #expect(RFC3339.format(try #require(RFC3339.parse("1969-12-31T23:59:59.001Z"))) == "1969-12-31T23:59:59.001Z")
        #expect(RFC3339.format(try #require(RFC3339.parse("9971-11-23T10:00:00.81Z"))) == "9971-11-23T10:00:00.810Z")
        #expect(RFC3339.format(try #require(RFC3339.parse("2026-12-31T23:59:59.9999Z"))) == "2027-01-01T00:00:00.000Z")
    }

    /// Found by `scripts/fuzz/run.sh rfc3339`: an offset pushed the time before year 0, which
    /// was then printed as `00-1-12-31T18:30:00.000Z`.
    @Test(arguments: ["0000-01-01T00:00:00+05:30", "9999-12-31T23:59:59-01:00"])
    func timesNoUTCStampCanWriteAreRefused(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }
}
