import FailoverCore

/// What the controller answers with, apart from the actor.
extension FailoverController {
    /// The outcome of one webhook.
    public struct WebhookOutcome: Sendable {
        /// The engine's decision.
        public var decision: WebhookDecision
        /// How the runtime stands: from the convergence the webhook waited for, or from the last
        /// observation when no runtime call was needed; nil when a convergence had not finished
        /// before the reply deadline, or one is due that this webhook has no stake in.
        public var convergence: ConvergenceOutcome?
        /// Whether the new state reached disk.
        public var persisted: Bool
        /// The one-line status after the webhook, for the reply.
        public var summary: String
        /// The runtime's name, for replies about its failures.
        public var runtimeName: String
        /// The tracked-alert cap, for a reply that refused notices over it.
        public var trackedAlertLimit: Int
    }

    /// Whether the decision loop is making progress.
    public enum Liveness: Sendable, Equatable {
        /// No convergence, or one still within its time limit.
        case alive
        /// One convergence has been running longer than any healthy one can (a hung runtime call).
        case stalled(for: Duration)
    }
}
