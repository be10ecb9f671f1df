/// The timeouts of the calls that cross the WAN between on-prem and the cloud host, derived from
/// one declared round trip, so that a check, a probe or a request that the WAN merely slows is
/// never taken for a dead server. Calls that stay inside a site keep their fast values. The
/// shipped defaults (haproxy.cfg, `probe.timeout_seconds`) are these for a 50 ms round trip.
///
/// Every formula uses a jittery round trip (1.25 × RTT) and, where a lost packet must not fail the
/// call, one TCP retransmission: Linux retransmits a lost segment after its minimum RTO (200 ms)
/// plus a round trip. A lost SYN costs Linux a whole second; no timeout here covers that, HAProxy's
/// retries and `fall 2` do.
public struct WANTimings: Equatable, Sendable {
    /// Where HAProxy runs: on-prem beside the site it fronts (the cloud copy across the WAN), or
    /// on the cloud host (the whole-site profile: on-prem across the WAN).
    public enum HAProxySite: String, CaseIterable, Sendable {
        case onprem
        case cloudHost = "cloud-host"
    }

    /// The declared round trip between the sites.
    public let roundTrip: Duration

    /// The timings the kit ships (haproxy.cfg's defaults, `probe.timeout_seconds`): a 50 ms WAN's.
    public static let shipped = WANTimings(roundTrip: .milliseconds(50))

    /// What HAProxy's checks and requests of a server inside its own site keep.
    static let localCheckBudget: Duration = .milliseconds(250)
    static let localIdempotentTimeout: Duration = .milliseconds(400)
    /// HAProxy's connect timeout is also its pause between retries of a refused connection: 250 ms
    /// lets a request that met a dead on-prem reach the cloud copy within a 1 s client's second.
    static let minimumConnectTimeout: Duration = .milliseconds(250)
    /// How long HAProxy holds a request it cannot place (retries × connect timeout).
    static let requestHold: Duration = .seconds(3)
    /// One retransmitted segment (Linux's minimum RTO) and the server's own time for /health.
    static let lossAndServerAllowance: Duration = .milliseconds(250)

    public init(roundTrip: Duration) {
        self.roundTrip = roundTrip
    }

    /// 1.25 × RTT: a round trip with its jitter.
    var jitteryRoundTrip: Duration { roundTrip * 1.25 }

    /// failoverd's probe of on-prem: a GET on a kept-alive connection, one retransmission and the
    /// server's time: 2 × 1.25 × RTT + 250 ms.
    public var probeTimeout: Duration { (jitteryRoundTrip * 2 + Self.lossAndServerAllowance).roundedUp(to: .milliseconds(5)) }

    /// A HAProxy check of a server across the WAN (its `inter`, which bounds the whole check when
    /// `timeout check` is unset): a new connection, a TLS handshake and the GET, one
    /// retransmission and the server's time: 3 × 1.25 × RTT + 250 ms.
    public var checkBudget: Duration { (jitteryRoundTrip * 3 + Self.lossAndServerAllowance).roundedUp(to: .milliseconds(10)) }

    /// HAProxy's `timeout connect`: a TCP and a TLS handshake across the WAN with 100 ms to spare,
    /// at least 250 ms: max(250 ms, 2 × 1.25 × RTT + 100 ms).
    public var connectTimeout: Duration {
        max(Self.minimumConnectTimeout, (jitteryRoundTrip * 2 + .milliseconds(100)).roundedUp(to: .milliseconds(10)))
    }

    /// HAProxy's `retries`: as many connect timeouts as fit in the 3 s a request is held.
    public var retries: Int { Int((Self.requestHold / connectTimeout).rounded(.down)) }

    /// The longest an idempotent request to a server across the WAN waits for its answer: the
    /// local 400 ms plus a TLS handshake and the request's round trip: 400 ms + 2 × 1.25 × RTT.
    public var idempotentTimeout: Duration { (Self.localIdempotentTimeout + jitteryRoundTrip * 2).roundedUp(to: .milliseconds(10)) }

    /// haproxy.cfg's variables for HAProxy at `site`, in HAProxy's notation: the servers across
    /// the WAN get the WAN's values, the ones beside it the local ones.
    public func haproxyVariables(at site: HAProxySite) -> KeyValuePairs<String, String> {
        let onpremAcross = site == .cloudHost
        let ms = { (duration: Duration) in "\(Self.milliseconds(duration))ms" }
        return [
            "HAPROXY_CONNECT_TIMEOUT": ms(connectTimeout),
            "HAPROXY_RETRIES": String(retries),
            "ONPREM_CHECK_INTERVAL": ms(onpremAcross ? checkBudget : Self.localCheckBudget),
            "CLOUD_CHECK_INTERVAL": ms(onpremAcross ? Self.localCheckBudget : checkBudget),
            "HAPROXY_IDEMPOTENT_TIMEOUT": ms(onpremAcross ? idempotentTimeout : Self.localIdempotentTimeout),
            "HAPROXY_CLOUD_IDEMPOTENT_TIMEOUT": ms(onpremAcross ? Self.localIdempotentTimeout : idempotentTimeout),
        ]
    }

    /// An environment file (/etc/default/haproxy, a systemd EnvironmentFile): HAProxy's variables,
    /// and failoverd's probe timeout in failoverd's own notation (seconds).
    public func environmentFile(haproxyAt site: HAProxySite) -> String {
        var lines = ["# WAN timings for a \(Self.milliseconds(roundTrip)) ms round trip, HAProxy at \(site.rawValue) (failoverd wan-timings)"]
        lines += haproxyVariables(at: site).map { "\($0.key)=\($0.value)" }
        lines.append("FAILOVERD_PROBE_TIMEOUT_SECONDS=\(Duration.format(probeTimeout))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table of docs/failover-speed.md: each timing for each round trip, with its formula.
    public static func markdownTable(roundTrips: [Duration]) -> String {
        let timings = roundTrips.map(WANTimings.init(roundTrip:))
        func row(_ name: String, _ formula: String, _ value: (WANTimings) -> String) -> String {
            "| \(name) | \(formula) | " + timings.map(value).joined(separator: " | ") + " |"
        }
        let ms = { (duration: Duration) in "\(milliseconds(duration)) ms" }
        return [
            "| timing (crosses the WAN) | formula (RTT: the round trip) | " + roundTrips.map { "RTT \(milliseconds($0)) ms" }.joined(separator: " | ")
                + " |",
            "| --- | --- |" + String(repeating: " --- |", count: roundTrips.count),
            row("HAProxy's check of a server across it (`inter`: the whole check)", "3 × 1.25 × RTT + 250 ms") { ms($0.checkBudget) },
            row("HAProxy's `timeout connect` (and pause between retries)", "max(250 ms, 2 × 1.25 × RTT + 100 ms)") { ms($0.connectTimeout) },
            row("HAProxy's `retries`", "⌊3 s / timeout connect⌋") { String($0.retries) },
            row("an idempotent request to a server across it", "400 ms + 2 × 1.25 × RTT") { ms($0.idempotentTimeout) },
            row("failoverd's `probe.timeout_seconds`", "2 × 1.25 × RTT + 250 ms") { ms($0.probeTimeout) },
        ].joined(separator: "\n")
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension Duration {
    /// The smallest multiple of `step` that is at least this.
    func roundedUp(to step: Duration) -> Duration {
        let steps = (self / step).rounded(.up)
        return step * steps
    }
}
