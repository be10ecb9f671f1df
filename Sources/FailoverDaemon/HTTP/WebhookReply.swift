import FailoverCore
import FoundationEssentials
import Hummingbird
import ServiceSupport

/// The reply to a webhook: a short summary Alertmanager logs and an operator can read.
struct WebhookReply {
    let desired: DesiredState
    let result: String
    let alerts: [NoticeVerdict]
    let truncatedAlerts: Int
    let summary: String
}

extension WebhookReply: ResponseGenerator {
    /// The JSON is written by hand: `JSONEncoder`'s generic machinery took 15% of a webhook's
    /// CPU, more than reading the body.
    var json: String {
        var json = #"{"desired":"\#(desired.rawValue)","result":"# + JSONString.quote(result) + #","alerts":["#
        for (index, verdict) in alerts.enumerated() {
            if index > 0 { json += "," }
            json += #"{"fingerprint":"# + JSONString.quote(verdict.fingerprint)
            json += #","status":"\#(verdict.status.rawValue)","outcome":"\#(verdict.outcome.rawValue)"}"#
        }
        json += #"],"truncated_alerts":\#(truncatedAlerts),"summary":"# + JSONString.quote(summary) + "}"
        return json
    }

    func response(from request: Request, context: some RequestContext) -> Response {
        Self.jsonResponse(json)
    }

    static func jsonResponse(_ json: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: json))
        )
    }
}

/// The reply when the configuration lists services: each service's reply under its name. A
/// 503 when any service's outcome needs a retry, naming each; the services that did act see
/// the retried notices as duplicates and answer from memory.
struct FleetWebhookReply: ResponseGenerator {
    let replies: [(service: String, reply: WebhookReply)]

    init(_ outcomes: [(service: String, outcome: FailoverController.WebhookOutcome)], replyDeadline: Duration) throws(HTTPError) {
        var replies: [(String, WebhookReply)] = []
        var retries: [String] = []
        for (service, outcome) in outcomes {
            do {
                replies.append((service, try WebhookReply(outcome, replyDeadline: replyDeadline)))
            } catch {
                retries.append("\(service): \(error.body ?? "retry")")
            }
        }
        guard retries.isEmpty else { throw HTTPError(.serviceUnavailable, message: retries.joined(separator: "; ")) }
        self.replies = replies
    }

    func response(from request: Request, context: some RequestContext) -> Response {
        let services = replies.map { JSONString.quote($0.service) + ":" + $0.reply.json }.joined(separator: ",")
        let summary = FleetStatus.combinedSummary(replies.map { ($0.service, $0.reply.summary) })
        return WebhookReply.jsonResponse(#"{"services":{"# + services + #"},"summary":"# + JSONString.quote(summary) + "}")
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
        case .none where !outcome.decision.concernsTheCloudCopy:
            // Nothing in this webhook waits on the runtime, so there is nothing to retry.
            result = "pending: the cloud copy is converging"
        case .none:
            throw HTTPError(.serviceUnavailable, message: "\(outcome.runtimeName) is still converging after \(replyDeadline); retry to confirm")
        case .failed(let failure):
            throw HTTPError(.serviceUnavailable, message: "\(outcome.runtimeName) failed: \(failure.description)")
        case .backingOff(let until):
            // Not failed over yet; failoverd retries by itself, and so may Alertmanager.
            throw HTTPError(
                .serviceUnavailable,
                message: "the cloud copy keeps exiting right after it starts; next start at \(RFC3339.format(until)); see failoverd's log"
            )
        case .inSync: result = "in_sync"
        case .standbyNotReady(let failure): result = "in_sync; standby not ready: \(failure.description)"
        case .acted(let action): result = action.pastTense
        case .paused: result = "paused: no action taken"
        case .withheld(let action): result = "observe mode: would \(action.phrase); no action taken"
        case .deferred(let until): result = "stop deferred until \(RFC3339.format(until)) by the stop budget"
        }
        let refused = outcome.decision.refusedOverCapacity
        guard refused == 0 else {
            // A retry would be refused the same way: 4xx, so Alertmanager does not retry forever.
            throw HTTPError(
                .unprocessableContent,
                message: "\(refused) new trigger alert\(refused == 1 ? "" : "s") refused: failoverd tracks at most "
                    + "\(outcome.trackedAlertLimit) at once (max_tracked_alerts); the rest of this webhook was applied. "
                    + "A trigger matching a high-cardinality alert? Narrow triggers."
            )
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
