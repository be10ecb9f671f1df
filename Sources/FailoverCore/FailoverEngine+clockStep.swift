import FoundationEssentials

extension FailoverEngine {
    /// Moves every time failoverd measured itself by `step` seconds: the wall clock jumped
    /// (an NTP step, an operator's `date -s`) while the process ran, and a hold-down or a stop
    /// budget counted on the old reading must keep the time it had left, not end early or
    /// last an hour longer. Alertmanager's own times (`startsAt`, `endsAt`) come from its
    /// clock and are left alone.
    public mutating func followClockStep(by step: TimeInterval) {
        func moved(_ date: Date) -> Date { date.addingTimeInterval(step) }
        state.holdDownUntil = state.holdDownUntil.map(moved)
        state.recentStops = state.recentStops.map(moved)
        state.failedOverSince = state.failedOverSince.map(moved)
        if var episode = state.lastFailover {
            episode.triggeredAt = moved(episode.triggeredAt)
            episode.confirmedAt = episode.confirmedAt.map(moved)
            episode.runningAt = episode.runningAt.map(moved)
            episode.recoveredAt = episode.recoveredAt.map(moved)
            episode.stoppedAt = episode.stoppedAt.map(moved)
            state.lastFailover = episode
        }
        for (fingerprint, var alert) in state.alerts {
            alert.receivedAt = moved(alert.receivedAt)
            state.alerts[fingerprint] = alert
        }
    }
}
