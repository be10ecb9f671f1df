import Foundation

/// The daemon under test, started on the first input and kept for the whole run.
private let daemon = FuzzedDaemon.start()

/// libFuzzer entry point for the HTTP request path of `/failover`: each input is the rest of a
/// request after `POST /failover HTTP/1.1\r\n` (headers, blank line, body, and whatever follows,
/// pipelined requests included), sent to a real failoverd listener on loopback whose runtime
/// lives in memory. The daemon must never crash, must end every connection within its request
/// timeout, must answer in well-formed HTTP and never 5xx (with a runtime and a disk that cannot
/// fail, a 5xx means an error escaped as a 500). A connection it drops without an answer is
/// allowed (a malformed request may get none), but then it must still answer `/health`.
/// Run by `scripts/fuzz/run.sh http`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let request = Array("POST /failover HTTP/1.1\r\n".utf8) + UnsafeBufferPointer(start: data, count: size)
    let reply = LoopbackExchange.send(request, toPort: daemon.port, timeout: FuzzedDaemon.replyTimeout)
    let text = String(decoding: reply.bytes, as: UTF8.self)
    guard reply.endedInTime else {
        fatalError("the connection was still open after \(FuzzedDaemon.replyTimeout) s; received so far:\n\(text)")
    }
    let statuses: [Int]
    do {
        statuses = try ResponseStatuses.parse(reply.bytes)
    } catch {
        fatalError("\(error):\n\(text)")
    }
    if statuses.isEmpty {
        let health = LoopbackExchange.send(Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".utf8), toPort: daemon.port, timeout: 5)
        guard (try? ResponseStatuses.parse(health.bytes)) == [200] else {
            fatalError("after a connection dropped without an answer, /health did not answer 200")
        }
    }
    if let failed = statuses.first(where: { $0 >= 500 }) {
        fatalError("answered \(failed), which only a failing runtime or disk may cause:\n\(text)")
    }
    return 0
}
