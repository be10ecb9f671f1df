import ServiceSupport

/// failoverd's own probe of on-prem, per service: an HTTP GET of `url` every `interval`. After
/// `failures` in a row the cloud copy is pre-warmed, as the `OnPremDownSuspected` alert does,
/// without waiting for Prometheus' scrape and rule evaluation; the first success ends it (the
/// pre-warm hold-down then runs). Off while `url` is empty.
public struct ProbeSettings: Sendable, Equatable {
    /// On-prem's health URL, as failoverd reaches it (http:// or https://).
    public var url = ""
    /// Time from the start of one probe to the start of the next (or to the end of one that
    /// took longer: one probe at a time).
    public var interval: Duration = .milliseconds(200)
    /// Longest one probe may take, connecting included; slower counts as failed. The probe
    /// crosses the WAN: the default is its WAN timing for a 50 ms round trip. A refused
    /// connection (a crashed on-prem) fails it at once, whatever the timeout.
    public var timeout: Duration = WANTimings.shipped.probeTimeout
    /// Failed probes in a row that pre-warm the cloud copy.
    public var failures = 2

    /// Whether the probe runs.
    public var isEnabled: Bool { !url.isEmpty }

    /// Rules between the probe's keys.
    func validate() throws(ConfigurationError) {
        guard isEnabled else { return }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ConfigurationError(key: "probe.url", problem: "'\(url)' is not an http:// or https:// URL")
        }
    }
}
