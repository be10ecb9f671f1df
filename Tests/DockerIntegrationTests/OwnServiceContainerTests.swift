import AsyncHTTPClient
import DockerEngine
import DockerRuntime
import FailoverCore
import FailoverDaemon
import Foundation
import Logging
import RuntimeSpec
import ServiceSupport
import Testing

/// The user's own service as the cloud copy, on a real dockerd: the sample service
/// (`scripts/sample_service_image.sh`, busybox httpd, not onprem-api) with every option a real
/// service needs, a health check that gates "running", and a changed spec that never disturbs
/// a copy that serves.
@Suite("The user's own service on a real dockerd", .enabled(if: RealDocker.enabled))
struct OwnServiceContainerTests {
    static let sampleImage = ProcessInfo.processInfo.environment["SAMPLE_IMAGE"] ?? "failover-kit-sample:latest"

    private func makeRuntime(_ spec: ContainerSpec, http: HTTPClient, readyTimeout: Duration = .seconds(20)) -> DockerCloudContainer {
        var pull = ImagePullSettings()
        pull.policy = .never
        return DockerCloudContainer(
            spec: spec,
            image: pull,
            http: http,
            socketPath: RealDocker.socketPath,
            readyTimeout: readyTimeout,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
    }

    /// A sample-service spec on host networking at `port`, with a health check of its own.
    private func sampleSpec(_ name: String, port: Int) -> ContainerSpec {
        var spec = ContainerSpec(name: name, image: Self.sampleImage, environment: ["PORT=\(port)", "SITE=cloud"], stopTimeoutSeconds: 1)
        spec.healthCheck.test = ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:$PORT/health"]
        spec.healthCheck.interval = .milliseconds(500)
        return spec
    }

    @Test func aCopyWithEveryOptionRunsAsConfiguredAndItsSecretIsAFileOnly() async throws {
        let name = RealDocker.uniqueName("own-every")
        let directory = try TemporaryDirectory()
        try await RealDocker.withClient(removing: [name]) { _, http in
            // setup: the files the spec names on the cloud host
            let port = RealDocker.freePort()
            try directory.write("hunter2-\(name)", to: "db_password", mode: 0o600)
            try directory.write("GREETING=from the env file\nUNUSED=x\n", to: "service.env", mode: 0o600)
            try FileManager.default.createDirectory(atPath: directory.path + "/uploads", withIntermediateDirectories: true)
            try directory.write("uploaded before the failover", to: "uploads/message", mode: 0o644)
            var spec = sampleSpec(name, port: port)
            spec.environmentFile = directory.path + "/service.env"
            spec.secrets = ["db_password": directory.path + "/db_password"]
            spec.volumes = ["\(directory.path)/uploads:/data:ro", "\(name)-cache:/cache"]
            spec.entrypoint = ["/bin/sh", "-c"]
            spec.command = ["exec httpd -f -p \"$PORT\" -h /www"]
            spec.user = "app"
            spec.workingDirectory = "/www"
            spec.memoryLimit = ByteCount(64 << 20)
            spec.cpus = 0.5
            spec.log.driver = "json-file"
            spec.log.options = ["max-size": "1m", "max-file": "2"]

            // act
            let started = try await makeRuntime(spec, http: http).start()

            // check: it serves what its configuration gave it
            #expect(started.actual == .running && started.health == "healthy")
            let answer = try await RealDocker.getJSON("http://127.0.0.1:\(port)/", http: http)
            #expect(answer["greeting"] == "from the env file")
            #expect(answer["secret_sha256"] == .string(SHA256.hex(Array("hunter2-\(name)".utf8))))
            #expect(answer["secret_owner_mode"] == "10001 400", "mode 0400, owned by the container's user")
            #expect(answer["volume"] == "uploaded before the failover")
            #expect(answer["uid"] == "10001")
            // check: and dockerd shows every option, and the secret nowhere
            let inspect = try await RealDocker.inspect(name, http: http)
            let config = try #require(inspect["Config"])
            let host = try #require(inspect["HostConfig"])
            #expect(config["Entrypoint"] == ["/bin/sh", "-c"] && config["Cmd"] == ["exec httpd -f -p \"$PORT\" -h /www"])
            #expect(config["User"] == "app" && config["WorkingDir"] == "/www")
            #expect(config["Healthcheck"]?["Test"] == ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:$PORT/health"])
            #expect(host["Memory"] == .integer(64 << 20) && host["NanoCpus"] == .integer(500_000_000))
            #expect(host["LogConfig"] == ["Type": "json-file", "Config": ["max-size": "1m", "max-file": "2"]])
            let mounts = host["Mounts"].map { "\($0)" } ?? ""
            #expect(mounts.contains("/data") && mounts.contains("\(name)-cache"))
            #expect(config["Env"].map { "\($0)" }?.contains("GREETING=from the env file") == true)
            #expect(!"\(inspect)".contains("hunter2"), "the secret is in no part of docker inspect")
        }
        try? await RealDocker.removeVolume("\(name)-cache")
    }

    @Test func aCopyWhoseHealthCheckFailsIsNeverReportedRunning() async throws {
        let name = RealDocker.uniqueName("own-unhealthy")
        try await RealDocker.withClient(removing: [name]) { _, http in
            // setup: it serves, but its health check never passes
            var spec = sampleSpec(name, port: RealDocker.freePort())
            spec.healthCheck.test = ["CMD", "/bin/false"]
            spec.healthCheck.retries = 1
            let runtime = makeRuntime(spec, http: http, readyTimeout: .seconds(3))

            // act
            var failure: RuntimeFailure?
            do throws(RuntimeFailure) { _ = try await runtime.start() } catch { failure = error }
            let observed = try await runtime.observe()

            // check
            #expect(failure?.kind == .timedOut)
            #expect(failure?.detail.contains("health") == true, "the failure says why: \(failure?.detail ?? "")")
            #expect(observed.actual == .notReady, "a running copy that is not healthy is not running for failoverd")
            #expect(observed.status.hasPrefix("running, health "), "status says why: \(observed.status)")
        }
    }

    @Test func aChangedSpecRemakesAStandbyAtOnceButNeverDisturbsACopyThatServes() async throws {
        let name = RealDocker.uniqueName("own-change")
        try await RealDocker.withClient(removing: [name]) { _, http in
            // setup: a standby made from the first spec
            var spec = sampleSpec(name, port: RealDocker.freePort())
            let first = try await makeRuntime(spec, http: http).prepare()

            // act: the spec changes while it stands by
            spec.environment.append("GREETING=second")
            let second = makeRuntime(spec, http: http)
            let seenOutdated = try await second.observe()
            let remade = try await second.prepare()

            // check: made again at once
            #expect(seenOutdated.actual == .outdated)
            #expect(remade.actual == .stopped && remade.id != first.id)

            // act: it serves, and the spec changes again
            let serving = try await second.start()
            spec.environment.append("EXTRA=third")
            let third = makeRuntime(spec, http: http)
            let seenServing = try await third.observe()
            let untouched = try await third.prepare()

            // check: it keeps serving, and says the change waits for its next start
            #expect(seenServing.actual == .running && seenServing.pendingSpecChange)
            #expect(untouched.id == serving.id)

            // act: once it stopped, the change applies
            let stopped = try await third.stop()
            let remadeAfterStop = try await third.prepare()

            // check
            #expect(stopped.actual == .outdated)
            #expect(remadeAfterStop.id != serving.id && !remadeAfterStop.pendingSpecChange)
        }
    }

    @Test func aSecretFileOtherUsersCanReadIsRefusedAndNothingStarts() async throws {
        let name = RealDocker.uniqueName("own-secret-mode")
        let directory = try TemporaryDirectory()
        try await RealDocker.withClient(removing: [name]) { _, http in
            try directory.write("hunter2", to: "db_password", mode: 0o644)
            var spec = sampleSpec(name, port: RealDocker.freePort())
            spec.secrets = ["db_password": directory.path + "/db_password"]
            let runtime = makeRuntime(spec, http: http)
            var failure: RuntimeFailure?
            do throws(RuntimeFailure) { _ = try await runtime.start() } catch { failure = error }
            #expect(failure?.kind == .refused)
            #expect(failure?.detail.contains("readable by every user (mode 0644)") == true, "\(failure?.detail ?? "")")
            #expect(try await runtime.observe().actual != .running)
        }
    }
}
