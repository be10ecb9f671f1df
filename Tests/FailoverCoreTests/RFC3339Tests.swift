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

    /// Found by `scripts/fuzz/run.sh rfc3339`: an offset pushed the time before year 0, which
    /// was then printed as `00-1-12-31T18:30:00.000Z`.
    @Test(arguments: ["0000-01-01T00:00:00+05:30", "9999-12-31T23:59:59-01:00"])
    func timesNoUTCStampCanWriteAreRefused(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }
}
