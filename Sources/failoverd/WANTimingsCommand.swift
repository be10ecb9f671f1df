import ArgumentParser
import FailoverDaemon

extension WANTimings.HAProxySite: ExpressibleByArgument {}

/// `failoverd wan-timings RTT_MS`: the timeouts of the calls that cross the WAN, for an
/// environment file (HAProxy's /etc/default/haproxy, failoverd's probe) or the table of docs/failover-speed.md.
struct WANTimingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wan-timings",
        abstract: "Print the timeouts of the calls that cross the WAN, derived from its round trip.",
        discussion: """
            Prints environment lines for HAProxy (haproxy.cfg reads them; put them in /etc/default/haproxy) and \
            failoverd's probe timeout. The shipped defaults are these for 50 ms.
            """
    )
    @Argument(help: "Round trip between the sites in milliseconds, as measured (several with --markdown).")
    var roundTripMilliseconds: [Int]
    @Option(help: "Where HAProxy runs: onprem (the cloud copy across the WAN) or cloud-host (the whole-site profile).")
    var haproxyAt: WANTimings.HAProxySite = .onprem
    @Flag(help: "Print the table of timings for each round trip (Markdown) instead.") var markdown = false

    func validate() throws {
        guard roundTripMilliseconds.allSatisfy({ (1...2000).contains($0) }) else {
            throw ValidationError("a round trip is 1 to 2000 ms")
        }
        guard markdown || roundTripMilliseconds.count == 1 else {
            throw ValidationError("give one round trip (several only with --markdown)")
        }
    }

    func run() {
        let roundTrips = roundTripMilliseconds.map { Duration.milliseconds($0) }
        if markdown {
            print(WANTimings.markdownTable(roundTrips: roundTrips))
        } else {
            print(WANTimings(roundTrip: roundTrips[0]).environmentFile(haproxyAt: haproxyAt), terminator: "")
        }
    }
}
