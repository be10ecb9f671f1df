import FailoverCore
import FoundationEssentials

/// An action the controller takes on the cloud copy.
public enum RuntimeAction: String, Sendable, Equatable, CaseIterable {
    case start
    case stop

    /// The past tense, for log messages and replies.
    public var pastTense: String {
        switch self {
        case .start: "started"
        case .stop: "stopped"
        }
    }
}

/// How one convergence (observe, then at most one action) ended.
public enum ConvergenceOutcome: Sendable, Equatable {
    /// Actual already matched desired.
    case inSync
    /// An action ran and succeeded.
    case acted(RuntimeAction)
    /// An action is due but automation is paused.
    case paused
    /// A stop is due but waits for the stop budget.
    case deferred(until: Date)
    /// A start is due but the copy keeps exiting right after starting; the next try is then.
    case backingOff(until: Date)
    /// The runtime failed; a retry can help.
    case failed(RuntimeFailure)
    /// An action is due, and observe-only mode holds it back.
    case withheld(WithheldAction)
    /// The copy is stopped as wanted, but its standby could not be made (its image is not on
    /// the host yet, a bind's host path is missing); a webhook's retry would not help.
    case standbyNotReady(RuntimeFailure)
}

extension ConvergenceOutcome {
    /// The outcome a convergence would end in without calling the runtime, when `plan` (made
    /// from the last observation) needs no action; nil when one is due. A standby to make again
    /// is the reconcile loop's business: the copy is stopped as wanted.
    init?(withoutRuntimeCall plan: PlannedAction) {
        switch plan {
        case .nothing, .prepare: self = .inSync
        case .paused: self = .paused
        case .waitForStopBudget(let until): self = .deferred(until: until)
        case .withheld(let action): self = .withheld(action)
        case .start, .stop: return nil
        }
    }
}
