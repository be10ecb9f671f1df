import FailoverCore
import FoundationEssentials

/// What the controller has seen of the runtime: the latest snapshot, whether the runtime
/// answers, and the last action and error, for `/status` and the status line.
struct RuntimeObservations: Sendable {
    /// The latest snapshot, nil before the runtime answered once.
    var snapshot: RuntimeSnapshot?
    /// Whether the last call reached the runtime.
    var runtimeUp = false
    /// The last action taken, successful or not.
    var lastAction: StatusReport.Event?
    /// The last error, from the runtime or the state store.
    var lastError: StatusReport.Event?
    /// Since when the state on disk is behind the state in memory (a save failed); nil when
    /// the last save worked.
    var unsavedSince: Date?
    /// Until when a due stop waits for the stop budget; nil when no stop is deferred.
    var stopDeferredUntil: Date?
    /// The action observe-only mode holds back, and since when it is due; nil when none.
    var withheld: (action: WithheldAction, since: Date)?
}

/// A runtime call, as timed in `failoverd_docker_operation_duration_seconds`.
enum RuntimeOperation: String, Sendable {
    case observe
    case prepare
    case start
    case stop

    /// The call an action makes.
    init(_ action: RuntimeAction) {
        switch action {
        case .start: self = .start
        case .stop: self = .stop
        }
    }
}

/// Where in the controller a runtime failure happened, for the log.
enum ConvergencePhase: String, Sendable {
    case prepare
    case converge
}
