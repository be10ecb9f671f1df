import Foundation
import RuntimeSpec
import Testing

@testable import DockerEngine

/// What dockerd is sent for a spec: every option where the Engine API reads it.
@Suite("Container spec as the Engine API takes it")
struct ContainerSpecEngineTests {
    static func everyOption() -> ContainerSpec {
        var spec = ContainerSpec(name: "orders", image: "orders:1", environment: ["GREETING=hi"], networkMode: "bridge", ports: ["127.0.0.1:8080:80"])
        spec.command = ["httpd", "-f"]
        spec.entrypoint = ["/bin/sh", "-c"]
        spec.user = "app"
        spec.workingDirectory = "/www"
        spec.volumes = ["/srv/uploads:/data:ro", "cache:/cache"]
        spec.secrets = ["db_password": "/etc/failoverd/db"]
        spec.memoryLimit = ByteCount(512 << 20)
        spec.cpus = 1.5
        spec.log.driver = "json-file"
        spec.log.options = ["max-size": "10m"]
        spec.healthCheck.test = ["CMD", "/bin/check"]
        spec.healthCheck.interval = .seconds(1)
        return spec
    }

    @Test func aCreateBodyCarriesEveryOption() throws {
        let body = try Self.everyOption().createBody(environment: ["FROM_FILE=1", "GREETING=hi"], labels: ["io.failoverd.spec": "x"])
        #expect(body["Env"] == ["FROM_FILE=1", "GREETING=hi"])
        #expect(body["Cmd"] == ["httpd", "-f"])
        #expect(body["Entrypoint"] == ["/bin/sh", "-c"])
        #expect(body["User"] == "app")
        #expect(body["WorkingDir"] == "/www")
        #expect(body["Labels"]?["io.failoverd.spec"] == "x")
        #expect(body["Healthcheck"]?["Test"] == ["CMD", "/bin/check"])
        #expect(body["Healthcheck"]?["Interval"] == .integer(1_000_000_000))
        #expect(body["ExposedPorts"]?["80/tcp"] == [:])
        let host = try #require(body["HostConfig"])
        #expect(host["PortBindings"]?["80/tcp"] == [["HostIp": "127.0.0.1", "HostPort": "8080"]])
        #expect(host["Memory"] == .integer(512 << 20))
        #expect(host["NanoCpus"] == .integer(1_500_000_000))
        #expect(host["LogConfig"] == ["Type": "json-file", "Config": ["max-size": "10m"]])
        #expect(
            host["Mounts"] == [
                ["Type": "bind", "Source": "/srv/uploads", "Target": "/data", "ReadOnly": .bool(true)],
                ["Type": "volume", "Source": "cache", "Target": "/cache", "ReadOnly": .bool(false)],
            ]
        )
        #expect(host["RestartPolicy"] == ["Name": "no"], "failoverd alone decides when the copy runs")
        #expect(!"\(body)".contains("/etc/failoverd/db"), "secrets are delivered as files, not named in the create body")
    }

    @Test func aSpecWithNothingSetSendsNothingOfTheImagesOwn() throws {
        let body = try ContainerSpec(name: "plain", image: "plain:1").createBody(environment: [], labels: [:])
        for key in ["Cmd", "Entrypoint", "User", "WorkingDir", "Healthcheck"] { #expect(body[key] == nil, "\(key) stays the image's") }
        for key in ["Memory", "NanoCpus", "LogConfig"] { #expect(body["HostConfig"]?[key] == nil, "\(key) stays dockerd's") }
    }

    @Test func aSwarmTaskTemplateUsesSwarmsNamesForTheSameOptions() throws {
        let spec = Self.everyOption()
        let secret = SecretReference(secretID: "s1", secretName: "orders_db_password_0123", fileName: "db_password", uid: 10001, gid: 10001)
        let container = try spec.swarmContainerSpec(imageID: "sha256:abc", environment: ["GREETING=hi"], labels: [:], secrets: [secret.engineObject])
        #expect(container["Image"] == "sha256:abc")
        #expect(container["Command"] == ["/bin/sh", "-c"], "Swarm's Command is the entrypoint")
        #expect(container["Args"] == ["httpd", "-f"])
        #expect(container["Dir"] == "/www")
        #expect(container["Secrets"] == [secret.engineObject])
        #expect(secret.engineObject["File"] == ["Name": "db_password", "UID": "10001", "GID": "10001", "Mode": .integer(0o400)])
        #expect(spec.swarmResources == ["Limits": ["MemoryBytes": .integer(512 << 20), "NanoCPUs": .integer(1_500_000_000)]])
        #expect(spec.swarmLogDriver == ["Name": "json-file", "Options": ["max-size": "10m"]])
    }

    @Test func theEnvironmentFileIsReadInBeforeTheSpecsOwnWhichWin() throws {
        let spec = ContainerSpec(name: "x", image: "x", environment: ["A=spec"])
        let environment = try spec.environment(withFileContents: "# comment\n\nA=file\r\nB=two words\n  C=c\n")
        #expect(environment == ["B=two words", "C=c", "A=spec"])
        #expect(throws: ContainerSpecError.self) { try spec.environment(withFileContents: "JUSTANAME\n") }
    }

    @Test func aFingerprintKeepsItsValueForASpecWithoutTheNewerParts() {
        // The value a spec had before command, volumes, … existed: an upgrade re-creates nothing.
        let spec = ContainerSpec(name: "cloud-api", image: "onprem-api:latest", environment: ["SITE=cloud"])
        #expect(spec.fingerprint == "6b7a0839ae577012", "FNV-1a of the fields the spec had before")
        var changed = spec
        changed.volumes = ["/srv:/data"]
        #expect(changed.fingerprint != spec.fingerprint)
    }
}
