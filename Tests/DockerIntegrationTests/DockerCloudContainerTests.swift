import AsyncHTTPClient
import DockerEngine
import FailoverCore
import FailoverDaemon
import Logging
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
