import FailoverCore
import Foundation
import TestFixtures
import Testing

@testable import FailoverDaemon

/// An Alertmanager peer that answers the head and then trickles its body must not hold a
/// question, and failoverd's start with it, past the peer timeout. The peer is a Python
/// stand-in on loopback: no real Alertmanager stalls on demand.
@Suite("Alertmanager peers that stall")
struct StallingPeerTests {
    /// Answers every request with a 200 head, then one byte of its body every 0.5 s: each byte
    /// restarts an idle timeout, so only a deadline on the whole answer ends the question.
    static let tricklingPeer = """
        import socket, sys, threading, time
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        print(server.getsockname()[1], flush=True)
        def serve(connection):
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: 1000\\r\\n\\r\\n")
            for _ in range(60):
                time.sleep(0.5)
                connection.sendall(b" ")
            connection.close()
        while True:
            connection, _ = server.accept()
            threading.Thread(target=serve, args=(connection,), daemon=True).start()
        """

    @Test func aTricklingPeerIsLeftOutWhenItsTimeoutEnds() async throws {
        try await StandIn.run(Self.tricklingPeer) { port in
            try await askTheTricklingPeer(port: port)
        }
    }

    private func askTheTricklingPeer(port: String) async throws {
        var settings = AlertmanagerAPISettings()
        settings.urls = ["http://127.0.0.1:\(port)"]
        settings.timeout = .seconds(1)
        let peers = AlertmanagerPeers(settings: settings, selectors: [try AlertSelector(parsing: #"alertname="OnPremDown""#)])

        let started = ContinuousClock.now
        let (view, answers) = await peers.ask(now: { Date() })
        let elapsed = ContinuousClock.now - started

        #expect(view == nil, "a peer that never finishes its answer is left out")
        #expect(elapsed < .seconds(5), "the question took \(elapsed); the trickle lasts 30 s")
        let failure = try #require(answers.first.flatMap { if case .failure(let failure) = $0.result { failure } else { nil } })
        #expect(failure.description.contains("no whole answer"))
    }
}
