import NIOCore
import NIOHTTPTypes

/// Closes a connection that has not delivered a whole request within `deadline` of opening, or
/// of its previous response.
///
/// An idle timeout alone is reset by every byte, so a client that trickles its headers or body
/// (slowloris) could hold a connection for ever; with `max_connections` reached, Alertmanager's
/// webhooks would then wait. Time spent answering (waiting for Docker) does not count: the timer
/// is off exactly while failoverd owes an answer to a complete request. A request answered
/// before its body arrived (a 401) does not stop the timer when its body ends.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let deadline: TimeAmount
    private var timer: Scheduled<Void>?
    private var requestsRead = 0
    private var responsesWritten = 0
    /// Whether a complete request waits for its answer.
    private var owesAnswer: Bool { requestsRead > responsesWritten }

    init(deadline: TimeAmount) {
        self.deadline = deadline
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            requestsRead += 1
            // Answered early, the connection is idle now: the next request has a deadline too.
            if owesAnswer { disarm() } else { arm(context) }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            responsesWritten += 1
            if !owesAnswer { arm(context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        disarm()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: deadline) { channel.close(promise: nil) }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
