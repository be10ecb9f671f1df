import AsyncHTTPClient
import DockerEngine
import RuntimeSpec
import Synchronization
import Testing

@Suite("Docker API version negotiation")
struct APIVersionNegotiationTests {
    @Test(arguments: [
        ("1.52", "1.44", "1.47"),  // Docker Engine 29: refuses anything below 1.44
        ("1.41", "1.12", "1.41"),  // Debian 12's docker.io 20.10
        ("1.47", "1.24", "1.47"),
    ])
    func picksTheNewestVersionBothSpeak(_ newest: String, _ oldest: String, _ expected: String) throws {
        let chosen = try DockerClient.negotiate(
            daemonNewest: try #require(APIVersion(parsing: newest)),
            daemonOldest: try #require(APIVersion(parsing: oldest))
        )
        #expect(chosen.description == expected)
    }

    @Test(arguments: [("1.39", "1.12"), ("1.60", "1.50")])
    func noCommonVersionIsAnErrorNamingBothRanges(_ newest: String, _ oldest: String) throws {
        let daemonNewest = try #require(APIVersion(parsing: newest))
        let daemonOldest = try #require(APIVersion(parsing: oldest))
        #expect {
            _ = try DockerClient.negotiate(daemonNewest: daemonNewest, daemonOldest: daemonOldest)
        } throws: { error in
            "\(error)".contains("dockerd speaks API \(oldest)–\(newest)") && "\(error)".contains("no version in common")
        }
    }
}

@Suite("Docker Engine client against a real dockerd", .enabled(if: RealDocker.enabled))
struct DockerClientTests {
    @Test func negotiatesAnAPIVersionTheDaemonSpeaks() async throws {
        try await RealDocker.withClient { client, _ in
            #expect(client.apiVersion >= DockerClient.minimumAPIVersion)
            #expect(client.apiVersion <= DockerClient.preferredAPIVersion)
        }
    }

    @Test func createStartStopRemoveWithIdempotent304Paths() async throws {
        let name = RealDocker.uniqueName("dc-lifecycle")
        try await RealDocker.withClient(removing: [name]) { client, _ in
            let spec = ContainerSpec(
                name: name,
                image: RealDocker.image,
                environment: ["PORT=\(RealDocker.freePort())", "SITE=cloud", "SHUTDOWN_DRAIN_SECONDS=0"],
                stopTimeoutSeconds: 5
            )
            let id = try await client.createContainer(spec, labels: ["test": "yes"])

            let observed1 = try await client.inspectContainer(name)
            let created = try #require(observed1)
            #expect(created.id == id)
            #expect(created.state.status == "created")
            #expect(created.labels["test"] == "yes")

            try await client.startContainer(id: id)
            try await client.startContainer(id: id)  // 304: already started
            let observed2 = try await client.inspectContainer(id)?.state.running
            #expect(observed2 == true)
            // A SIGTERM that lands before the service has installed its handler is dropped
            // (PID 1 ignores unhandled signals) and Docker kills it after the timeout: wait
            // until it serves, as a cloud copy being stopped after its hold-down always does.
            for _ in 0..<100 where try await client.inspectContainer(id)?.state.health != "healthy" {
                try await Task.sleep(for: .milliseconds(100))
            }

            try await client.stopContainer(id: id, timeoutSeconds: 5)
            try await client.stopContainer(id: id, timeoutSeconds: 5)  // 304: already stopped
            let observed3 = try await client.inspectContainer(id)
            let stopped = try #require(observed3)
            #expect(stopped.state.running == false)
            #expect(stopped.state.exitCode == 0, "onprem-api exits 0 on SIGTERM")

            try await client.removeContainer(id: id)
            let observed4 = try await client.inspectContainer(id)
            #expect(observed4 == nil)
        }
    }

    @Test func eventsAcrossWindowBoundariesAreAllDelivered() async throws {
        // Windows of 1 s, and a container created, started and removed over about 3 s: each
        // event must arrive although the stream was asked for again in between.
        let name = RealDocker.uniqueName("dc-events")
        try await RealDocker.withClient(removing: [name]) { client, _ in
            let actions = Mutex<[String]>([])
            let opened = Mutex(0)
            let follower = Task {
                try await client.followEvents(
                    filters: ["type": ["container"], "container": [name]],
                    subject: name,
                    window: .seconds(1),
                    onOpen: { opened.withLock { $0 += 1 } },
                    onEvent: { action in actions.withLock { $0.append(action) } }
                )
            }
            defer { follower.cancel() }
            while opened.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(20)) }
            let spec = ContainerSpec(name: name, image: RealDocker.image, environment: ["PORT=\(RealDocker.freePort())"], stopTimeoutSeconds: 1)
            let id = try await client.createContainer(spec, labels: [:])
            try await Task.sleep(for: .milliseconds(1200))
            try await client.startContainer(id: id)
            try await Task.sleep(for: .milliseconds(1200))
            try await client.removeContainer(id: id)
            try await Task.sleep(for: .milliseconds(1500))
            let seen = actions.withLock { $0 }
            for action in ["create", "start", "die", "destroy"] {
                #expect(seen.contains(action), "\(action) missing from \(seen)")
            }
            #expect(opened.withLock { $0 } == 1, "onOpen is the subscription's, not each window's")
        }
    }

    @Test func missingImageIsAClearError() async throws {
        try await RealDocker.withClient { client, _ in
            let spec = ContainerSpec(name: RealDocker.uniqueName("dc-noimage"), image: "no-such-image-\(UInt32.random(in: 0...UInt32.max)):v1")
            await #expect {
                _ = try await client.createContainer(spec)
            } throws: { error in
                guard let error = error as? DockerError else { return false }
                return error.kind == .imageMissing && error.description.contains(spec.image) && error.container == spec.name
            }
            let missing = try await client.imageID(spec.image)
            #expect(missing == nil)
            let present = try await client.imageID(RealDocker.image)
            #expect(present?.hasPrefix("sha256:") == true, "the Swarm target starts replicas from this id")
        }
    }

    @Test func unreachableSocketIsReportedAsUnreachable() async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        await #expect {
            _ = try await DockerClient.connect(http: http, socketPath: "/tmp/no-dockerd-here.sock")
        } throws: { error in
            (error as? DockerError)?.kind == .unreachable
        }
        try await http.shutdown()
    }
}
