import AsyncHTTPClient
import DockerEngine
import DockerRuntime
import FailoverCore
import FailoverDaemon
import Logging
import RuntimeSpec
import Synchronization
import Testing

@Suite("Cloud container on a real dockerd", .enabled(if: RealDocker.enabled))
struct DockerCloudContainerTests {
    private func makeRuntime(_ spec: ContainerSpec, http: HTTPClient) -> DockerCloudContainer {
        DockerCloudContainer(
            spec: spec,
            http: http,
            socketPath: RealDocker.socketPath,
            readyTimeout: .seconds(30),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
    }

    @Test func preparedContainerStartsHealthyAndStops() async throws {
        let name = RealDocker.uniqueName("cc-flow")
        try await RealDocker.withClient(removing: [name]) { client, http in
            let spec = ContainerSpec(
                name: name,
                image: RealDocker.image,
                environment: ["PORT=\(RealDocker.freePort())", "SITE=cloud", "SHUTDOWN_DRAIN_SECONDS=0"],
                stopTimeoutSeconds: 5
            )
            let runtime = makeRuntime(spec, http: http)

            let prepared = try await runtime.prepare()
            #expect(prepared.actual == .stopped)
            #expect(prepared.status == "created")
            let observed1 = try await runtime.prepare().id
            #expect(observed1 == prepared.id, "prepare is idempotent")

            let started = try await runtime.start()
            #expect(started.actual == .running)
            #expect(started.health == "healthy", "start waits for the image's HEALTHCHECK")
            #expect(started.id == prepared.id)

            let stopped = try await runtime.stop()
            #expect(stopped.actual == .stopped)
        }
    }

    @Test func watchReportsARemovedContainerButNotItsHealthChecks() async throws {
        let name = RealDocker.uniqueName("cc-watch")
        try await RealDocker.withClient(removing: [name]) { client, http in
            // setup: a healthy copy (its HEALTHCHECK runs an exec every 2 s) and a live feed
            let spec = ContainerSpec(
                name: name,
                image: RealDocker.image,
                environment: ["PORT=\(RealDocker.freePort())", "SITE=cloud"],
                stopTimeoutSeconds: 1
            )
            let runtime = makeRuntime(spec, http: http)
            let started = try await runtime.start()
            let subscribed = Atomic<Bool>(false)
            let changes = Atomic<Int>(0)
            let watching = Task {
                try await runtime.watch(
                    onSubscribed: { subscribed.store(true, ordering: .sequentiallyConsistent) },
                    onChange: { changes.add(1, ordering: .sequentiallyConsistent) }
                )
            }
            defer { watching.cancel() }
            #expect(await eventually { subscribed.load(ordering: .sequentiallyConsistent) })

            // act: health-check intervals pass, then the copy is removed behind failoverd's back
            try await Task.sleep(for: .seconds(5))
            let changesWhileHealthy = changes.load(ordering: .sequentiallyConsistent)
            let removed = ContinuousClock.now
            try await client.removeContainer(id: started.id ?? name)
            let reported = await eventually { changes.load(ordering: .sequentiallyConsistent) > 0 }

            // check
            #expect(changesWhileHealthy == 0, "health-check execs are not changes")
            #expect(reported, "the removal is reported")
            #expect(ContinuousClock.now - removed < .seconds(2))
            #expect(try await runtime.observe().actual == .missing)
        }
    }

    /// Polls `condition` every 20 ms for up to 5 s.
    private func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<250 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    @Test func changedSpecRecreatesAStoppedContainer() async throws {
        let name = RealDocker.uniqueName("cc-drift")
        try await RealDocker.withClient(removing: [name]) { client, http in
            var spec = ContainerSpec(name: name, image: RealDocker.image, environment: ["SITE=cloud"])
            let first = try await makeRuntime(spec, http: http).prepare()
            spec.environment.append("FAULT_INJECTION=true")
            let second = try await makeRuntime(spec, http: http).prepare()
            #expect(first.id != second.id)
            let observed2 = try await client.inspectContainer(first.id ?? "")
            #expect(observed2 == nil)
            let observed3 = try await client.inspectContainer(name)?.labels[DockerCloudContainer.specLabel]
            #expect(observed3 == spec.fingerprint)
        }
    }

    @Test func containerKilledBehindTheDaemonsBackIsSeenAsStopped() async throws {
        let name = RealDocker.uniqueName("cc-killed")
        try await RealDocker.withClient(removing: [name]) { client, http in
            let spec = ContainerSpec(
                name: name,
                image: RealDocker.image,
                environment: ["PORT=\(RealDocker.freePort())", "FAULT_INJECTION=true"],
                stopTimeoutSeconds: 5
            )
            let runtime = makeRuntime(spec, http: http)
            let started = try await runtime.start()
            try await client.removeContainer(id: started.id!)
            let observed4 = try await runtime.observe().actual
            #expect(observed4 == .missing)
            let restarted = try await runtime.start()
            #expect(restarted.actual == .running)
        }
    }
}
