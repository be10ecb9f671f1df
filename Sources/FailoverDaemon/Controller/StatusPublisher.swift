import FailoverCore

/// Tells the outside what the controller knows, after every change: the gauges, the info
/// metrics of the image and the answering manager when they change, and the one-line status to
/// its observers (systemd `STATUS=`) only when the line itself changed.
struct StatusPublisher {
    private var observers: [@Sendable (String) -> Void] = []
    private var lastSummary = ""
    private var image: RuntimeImage?
    private var answeredBy: String?

    /// Adds an observer and gives it the current line at once (the others too, when it is news
    /// to them), so the next publish repeats nothing.
    mutating func observe(_ observer: @escaping @Sendable (String) -> Void, current summary: String) {
        observers.append(observer)
        if summary == lastSummary { observer(summary) } else { tell(summary) }
    }

    /// Publishes `report` and what the runtime last showed.
    mutating func publish(
        _ report: StatusReport,
        observations: RuntimeObservations,
        quickExits: Int,
        lastFailover: FailoverEpisode?,
        to metrics: DaemonMetrics
    ) {
        metrics.publish(report, observations: observations, quickExits: quickExits, lastFailover: lastFailover)
        if let current = observations.snapshot?.image, current != image {
            metrics.cloudImage(current, previous: image)
            image = current
        }
        if let current = observations.snapshot?.answeredBy, current != answeredBy {
            metrics.dockerManagerAnswering(current, previous: answeredBy)
            answeredBy = current
        }
        if report.summary != lastSummary { tell(report.summary) }
    }

    private mutating func tell(_ summary: String) {
        lastSummary = summary
        for observer in observers { observer(summary) }
    }
}
