import FailoverCore
import FoundationEssentials
import Hummingbird

/// The reply to a webhook: a short summary Alertmanager logs and an operator can read.
struct WebhookReply: ResponseEncodable {
    let desired: DesiredState
    let result: String
    let alerts: [NoticeVerdict]
    let truncatedAlerts: Int
    let summary: String

    enum CodingKeys: String, CodingKey {
        case desired, result, alerts, summary
        case truncatedAlerts = "truncated_alerts"
    }
}

extension WebhookReply {
    /// The reply for a webhook's outcome, or the 503 that makes Alertmanager retry: the state
    /// was not saved, the runtime failed, or it had not finished within the reply deadline.
    init(_ outcome: FailoverController.WebhookOutcome, replyDeadline: Duration) throws(HTTPError) {
        guard outcome.persisted else {
            throw HTTPError(.serviceUnavailable, message: "state could not be saved; retry")
        }
        let result: String
        switch outcome.convergence {
        case .none:
            throw HTTPError(.serviceUnavailable, message: "\(outcome.engineName) is still converging after \(replyDeadline); retry to confirm")
        case .failed(let failure):
            throw HTTPError(.serviceUnavailable, message: "\(outcome.engineName) failed: \(failure.description)")
        case .inSync: result = "in_sync"
        case .acted(let action): result = action.pastTense
        case .paused: result = "paused: no action taken"
        case .deferred(let until): result = "stop deferred until \(RFC3339.format(until)) by the stop budget"
        }
        self.init(
            desired: outcome.decision.desired,
            result: result,
            alerts: outcome.decision.verdicts,
            truncatedAlerts: outcome.decision.truncatedAlerts,
            summary: outcome.summary
        )
    }
}
