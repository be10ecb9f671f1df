import FailoverCore
import FoundationEssentials
import Prometheus
import Synchronization
import Testing

@testable import FailoverDaemon

@Suite("what the controller publishes after a change")
struct StatusPublisherTests {
    private let metrics = DaemonMetrics(registry: PrometheusCollectorRegistry())

    private func report(paused: Bool) throws -> StatusReport {
        var engine = FailoverEngine(policy: FailoverPolicy(triggers: [try AlertSelector(parsing: #"alertname="OnPremDown""#)]))
        engine.setPaused(paused)
        return StatusReport(engine: engine, observations: RuntimeObservations(), crashLoop: nil, runtimeName: "docker", now: Date())
    }

    private func observations(image digest: String) -> RuntimeObservations {
        var snapshot = RuntimeSnapshot(id: "c1", actual: .stopped, status: "exited")
        snapshot.image = RuntimeImage(reference: "registry.example/app:1", digest: digest)
        return RuntimeObservations(snapshot: snapshot, runtimeUp: true)
    }

    @Test func anObserverGetsTheLineAtOnceAndThenOnlyWhenItChanges() throws {
        let lines = Mutex<[String]>([])
        var publisher = StatusPublisher()
        let standby = try report(paused: false)
        publisher.observe({ line in lines.withLock { $0.append(line) } }, current: standby.summary)

        publisher.publish(standby, observations: RuntimeObservations(), quickExits: 0, lastFailover: nil, to: metrics)
        publisher.publish(standby, observations: RuntimeObservations(), quickExits: 0, lastFailover: nil, to: metrics)
        let paused = try report(paused: true)
        publisher.publish(paused, observations: RuntimeObservations(), quickExits: 0, lastFailover: nil, to: metrics)

        #expect(lines.withLock { $0 } == [standby.summary, paused.summary])
        #expect(metrics.exposition().contains("failoverd_paused 1.0"))
    }

    @Test func aNewImageTakesTheInfoMetricOverFromTheOldOne() throws {
        var publisher = StatusPublisher()
        let standby = try report(paused: false)
        publisher.publish(standby, observations: observations(image: "sha256:aaa"), quickExits: 0, lastFailover: nil, to: metrics)
        publisher.publish(standby, observations: observations(image: "sha256:bbb"), quickExits: 0, lastFailover: nil, to: metrics)

        let exposition = metrics.exposition()
        #expect(exposition.contains(#"failoverd_cloud_image_info{image="registry.example/app:1",digest="sha256:aaa"} 0.0"#))
        #expect(exposition.contains(#"failoverd_cloud_image_info{image="registry.example/app:1",digest="sha256:bbb"} 1.0"#))
    }
}
