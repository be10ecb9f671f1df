import AsyncHTTPClient
import FoundationEssentials
import ServiceSupport

/// Probes a URL at a steady pace until a given site has served it for a while: how the
/// simulate scripts and tests see traffic move between on-prem and the cloud copy.
/// Bounded by `timeout` and by the probe count it implies.
public struct SiteProbe: Sendable {
    /// What a probe run saw; the JSON the simulate scripts print with `--json`.
    public struct Summary: Codable, Sendable, Equatable {
        /// The site waited for.
        public var untilSite: String
        /// Whether it served within the timeout.
        public var served: Bool
        /// Seconds from the first probe until it first served.
        public var secondsUntilServed: Double?
        /// Probes sent.
        public var probes: Int
        /// Probes that did not get a 200.
        public var failed: Int
        /// 200s by answering site.
        public var bySite: [String: Int]

        enum CodingKeys: String, CodingKey {
            case untilSite = "until_site"
            case served
            case secondsUntilServed = "seconds_until_served"
            case probes, failed
            case bySite = "by_site"
        }
    }

    /// The request each probe makes.
    public var request: DrillRequest
    /// The site to wait for (`site` of the JSON body).
    public var untilSite: String
    /// Time between probe starts.
    public var interval: Duration
    /// Give up after this long.
    public var timeout: Duration
    /// Keep probing this long after the site first served, to count errors around the switch.
    public var settle: Duration

    /// Creates a probe; each request is a fresh connection with a 1 s deadline.
    public init(url: String, untilSite: String, interval: Duration, timeout: Duration, settle: Duration) {
        self.request = DrillRequest(url: url, timeout: .seconds(1), closesConnection: true)
        self.untilSite = untilSite
        self.interval = interval
        self.timeout = timeout
        self.settle = settle
    }

    /// Probes until the site has served for `settle`, or the timeout.
    public func run(client: HTTPClient) async -> Summary {
        let clock = ContinuousClock()
        let start = clock.now
        var firstServed: ContinuousClock.Instant?
        var summary = Summary(untilSite: untilSite, served: false, secondsUntilServed: nil, probes: 0, failed: 0, bySite: [:])
        while !Task.isCancelled {
            let now = clock.now
            if now - start > timeout { break }
            if let firstServed, now - firstServed >= settle { break }
            guard let record = await request.send(client: client) else { break }
            summary.probes += 1
            if record.succeeded {
                summary.bySite[record.site ?? "unknown", default: 0] += 1
            } else {
                summary.failed += 1
            }
            if record.site == untilSite, firstServed == nil {
                firstServed = clock.now
                summary.served = true
                summary.secondsUntilServed = ((clock.now - start).inSeconds * 1000).rounded() / 1000
            }
            try? await clock.sleep(until: now + interval)
        }
        return summary
    }
}
