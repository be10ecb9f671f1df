import AsyncHTTPClient
import FailoverCore
import FoundationEssentials
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceSupport

/// Asks every configured Alertmanager peer's API v2 which trigger alerts are active, and
/// merges the answers into one view.
///
/// Peers of an HA cluster do not share alerts (Prometheus sends to each), so an alert is active
/// when any peer that answers lists it, and a peer that does not answer is left out: it can
/// never make an alert look resolved. A client is made per question, so a rotated CA file or
/// token is read again, and nothing needs shutting down between questions.
struct AlertmanagerPeers: Sendable {
    let settings: AlertmanagerAPISettings
    let selectors: [AlertSelector]

    /// One peer's answer.
    struct Answer: Sendable {
        var url: String
        var result: Result<(alerts: [Alert], startedAt: Date), PeerFailure>
    }

    /// Why a peer gave no usable answer.
    struct PeerFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// The merged view, or nil when no peer answered; every peer's answer, for logs and metrics.
    func ask(now: @Sendable () -> Date) async -> (view: AlertmanagerView?, answers: [Answer]) {
        let askedAt = now()
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration())
        let answers = await withTaskGroup(of: Answer.self) { group in
            for url in settings.urls {
                group.addTask { Answer(url: url, result: await self.askWithin(url, client: client)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        try? await client.shutdown()
        return (merge(answers, askedAt: askedAt, now: now()), answers)
    }

    /// Active alerts from any peer that answered (the latest episode per fingerprint); absence
    /// is trusted when at least one of them has been up for the warm-up.
    func merge(_ answers: [Answer], askedAt: Date, now: Date) -> AlertmanagerView? {
        let answered = answers.compactMap { try? $0.result.get() }
        guard !answered.isEmpty else { return nil }
        var active: [String: Alert] = [:]
        for alert in answered.flatMap(\.alerts) where active[alert.fingerprint].map({ $0.startsAt < alert.startsAt }) ?? true {
            active[alert.fingerprint] = alert
        }
        let warmedUp = answered.contains { now.timeIntervalSince($0.startedAt) >= settings.warmup.inSeconds }
        return AlertmanagerView(
            activeAlerts: active.values.sorted { $0.fingerprint < $1.fingerprint },
            askedAt: askedAt,
            absenceMeansResolved: warmedUp
        )
    }

    /// One peer's whole answer (its status and every alerts query) within the timeout.
    /// AsyncHTTPClient's own limits end with each response's head and restart with every byte
    /// read, so a peer that answers the head and then stalls or trickles would otherwise hold
    /// failoverd's start (the first question comes before it listens) for as long as it likes.
    private func askWithin(_ base: String, client: HTTPClient) async -> Result<(alerts: [Alert], startedAt: Date), PeerFailure> {
        let question = Task { await ask(base, client: client) }
        if let answer = await question.value(within: settings.timeout) { return answer }
        question.cancel()
        return .failure(PeerFailure(description: "no whole answer from \(base) within \(settings.timeout) (the peer stalls or trickles)"))
    }

    private func ask(_ base: String, client: HTTPClient) async -> Result<(alerts: [Alert], startedAt: Date), PeerFailure> {
        do {
            let headers = try authorizationHeaders()
            let startedAt = try AlertmanagerAPI.decodeStartTime(try await get(base, "/api/v2/status", headers, client).readableBytesView)
            var alerts: [Alert] = []
            for selector in selectors {
                let body = try await get(base, "/api/v2/alerts?" + AlertmanagerAPI.alertsQuery(for: selector), headers, client)
                alerts += try AlertmanagerAPI.decodeAlerts(body.readableBytesView)
            }
            return .success((alerts, startedAt))
        } catch let failure as PeerFailure {
            return .failure(failure)
        } catch {
            return .failure(PeerFailure(description: "\(error)"))
        }
    }

    private func get(_ base: String, _ path: String, _ headers: HTTPHeaders, _ client: HTTPClient) async throws -> ByteBuffer {
        let url = (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
        var request = HTTPClientRequest(url: url)
        request.headers = headers
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: TimeAmount(settings.timeout))
        } catch {
            throw PeerFailure(description: "GET \(url): \(error)")
        }
        let body = try await response.body.collect(upTo: 16 << 20)
        guard response.status == .ok else {
            throw PeerFailure(description: "GET \(url): HTTP \(response.status.code): \(String(buffer: body).prefix(200))")
        }
        return body
    }

    private func authorizationHeaders() throws -> HTTPHeaders {
        var headers = HTTPHeaders([("Accept", "application/json")])
        if let file = settings.bearerCredentialsFile {
            headers.add(name: "Authorization", value: "Bearer " + (try secret(in: file)))
        } else if let user = settings.basicAuthUsername, let file = settings.basicAuthPasswordFile {
            let pair = Data("\(user):\(try secret(in: file))".utf8).base64EncodedString()
            headers.add(name: "Authorization", value: "Basic " + pair)
        }
        return headers
    }

    private func secret(in file: String) throws -> String {
        do {
            return try TextFile.contents(of: file).trimmingWhitespace()
        } catch {
            throw PeerFailure(description: error.description)
        }
    }

    private func clientConfiguration() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: TimeAmount(settings.timeout), read: TimeAmount(settings.timeout))
        if let caFile = settings.caFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            configuration.tlsConfiguration = tls
        }
        return configuration
    }
}
