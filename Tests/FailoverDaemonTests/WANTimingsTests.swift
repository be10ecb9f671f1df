import Testing

@testable import FailoverDaemon

@Suite("WAN timings")
struct WANTimingsTests {
    /// Linux retransmits a lost segment after its minimum RTO (200 ms) and a round trip.
    static let retransmission: Duration = .milliseconds(200)

    @Test(arguments: [1, 10, 50, 100, 200, 400])
    func eachCallOutlastsItsRoundTripsWithJitterAndOneRetransmission(milliseconds: Int) {
        let rtt = Duration.milliseconds(milliseconds)
        let timings = WANTimings(roundTrip: rtt)
        let jittery = rtt * 1.25
        // A probe on a kept-alive connection: the GET's round trip and a retransmission's.
        #expect(timings.probeTimeout >= jittery * 2 + Self.retransmission)
        // A check: a TCP and a TLS handshake and the GET, and a retransmission.
        #expect(timings.checkBudget >= jittery * 3 + Self.retransmission)
        // A connection: the TCP and TLS handshakes.
        #expect(timings.connectTimeout >= jittery * 2)
        // An idempotent request across the WAN keeps the local 400 ms for the server's own time.
        #expect(timings.idempotentTimeout >= jittery * 2 + .milliseconds(400))
    }

    @Test(arguments: [1, 10, 50, 100, 200, 400])
    func requestsAreHeldAboutThreeSecondsHoweverLongTheConnectTimeout(milliseconds: Int) {
        let timings = WANTimings(roundTrip: .milliseconds(milliseconds))
        let held = timings.connectTimeout * timings.retries
        #expect(held <= .seconds(3) && held > .seconds(3) - timings.connectTimeout)
    }

    @Test func aShortWANKeepsTheRetryPauseThatServesAOneSecondClient() {
        #expect(WANTimings(roundTrip: .milliseconds(50)).connectTimeout == .milliseconds(250))
        #expect(WANTimings(roundTrip: .milliseconds(50)).retries == 12)
    }

    @Test func theServersInsideHAProxysOwnSiteKeepTheirFastValues() {
        let timings = WANTimings(roundTrip: .milliseconds(200))
        let onprem = Dictionary(uniqueKeysWithValues: timings.haproxyVariables(at: .onprem).map { ($0.key, $0.value) })
        #expect(onprem["ONPREM_CHECK_INTERVAL"] == "250ms" && onprem["HAPROXY_IDEMPOTENT_TIMEOUT"] == "400ms")
        #expect(onprem["CLOUD_CHECK_INTERVAL"] == "1000ms" && onprem["HAPROXY_CLOUD_IDEMPOTENT_TIMEOUT"] == "900ms")
        let cloudHost = Dictionary(uniqueKeysWithValues: timings.haproxyVariables(at: .cloudHost).map { ($0.key, $0.value) })
        #expect(cloudHost["CLOUD_CHECK_INTERVAL"] == "250ms" && cloudHost["HAPROXY_CLOUD_IDEMPOTENT_TIMEOUT"] == "400ms")
        #expect(cloudHost["ONPREM_CHECK_INTERVAL"] == "1000ms" && cloudHost["HAPROXY_IDEMPOTENT_TIMEOUT"] == "900ms")
    }

    @Test func theEnvironmentFileGivesFailoverdsProbeTimeoutInSeconds() {
        let file = WANTimings(roundTrip: .milliseconds(100)).environmentFile(haproxyAt: .onprem)
        #expect(file.contains("\nFAILOVERD_PROBE_TIMEOUT_SECONDS=0.5\n"))
        #expect(file.contains("\nHAPROXY_CONNECT_TIMEOUT=350ms\n"))
    }

    @Test func theProbesDefaultTimeoutIsItsTimingForA50MillisecondWAN() {
        #expect(ProbeSettings().timeout == WANTimings(roundTrip: .milliseconds(50)).probeTimeout)
        #expect(ProbeSettings().timeout == .milliseconds(375))
    }
}
