import FoundationEssentials

/// What checking a restored state's times changed.
public struct RestoredTimesCorrection: Sendable, Equatable {
    /// The saved hold-down end, when it lay further ahead than any hold-down the policy sets.
    public var holdDownClampedFrom: Date?
    /// Recorded stops that lay in the future, dropped.
    public var futureStopsDropped: Int

    /// Whether anything was corrected.
    public var isEmpty: Bool { holdDownClampedFrom == nil && futureStopsDropped == 0 }
}

extension FailoverEngine {
    /// Checks the times of a state restored from disk against `now`.
    ///
    /// A clock that was ahead when the state was saved (or is behind at boot) leaves times in
    /// the future: a hold-down ending a day ahead would keep the copy running for a day, stops
    /// recorded a day ahead would block stops for a day. A hold-down never ends later than the
    /// longest hold-down the policy sets from now, and a stop cannot have happened after now.
    public mutating func correctRestoredTimes(now: Date) -> RestoredTimesCorrection {
        var correction = RestoredTimesCorrection(holdDownClampedFrom: nil, futureStopsDropped: 0)
        let latestEnd = now.addingTimeInterval(max(policy.holdDown, policy.prewarmHoldDown))
        if let until = state.holdDownUntil, until > latestEnd {
            correction.holdDownClampedFrom = until
            state.holdDownUntil = latestEnd
        }
        let pastStops = state.recentStops.filter { $0 <= now }
        correction.futureStopsDropped = state.recentStops.count - pastStops.count
        state.recentStops = pastStops
        return correction
    }
}
