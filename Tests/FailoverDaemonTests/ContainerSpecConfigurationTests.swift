import FailoverDaemon
import Foundation
import RuntimeSpec
import ServiceSupport
import Testing

/// The keys that describe the user's own service: each read into the spec, each refused with
/// its key named when it cannot be used.
@Suite("A service's container spec in the configuration")
struct ContainerSpecConfigurationTests {
    private static let everyOption = """
        auth: {token_file: /t}
        container:
          name: orders-api
          image: registry.example.net:5000/team/orders@sha256:\(String(repeating: "ab", count: 32))
          pull: always
          registry_auth_file: /etc/failoverd/registry-auth.json
          pull_timeout_seconds: 120
          env: [GREETING=hello]
          env_file: /etc/failoverd/orders.env
          secrets: {db_password: /etc/failoverd/secrets/db_password}
          command: [httpd, -f, -p, "8080"]
          entrypoint: [/bin/sh, -c]
          user: app:app
          working_dir: /www
          volumes: [/srv/uploads:/data:ro, orders-cache:/cache]
          memory: 512m
          cpus: 1.5
          log: {driver: json-file, options: {max-size: 10m, max-file: "3"}}
          healthcheck: {test: [CMD, /bin/check], interval_seconds: 1, timeout_seconds: 0.5, retries: 2, start_period_seconds: 5}
          network_mode: bridge
          ports: ["127.0.0.1:8080:8080", "9000:9000/udp"]
        """

    @Test func everyOptionIsReadIntoTheSpec() throws {
        // setup
        let (path, directory) = try writeConfigurationFile(Self.everyOption)
        defer { removeDirectory(directory) }

        // act
        let configuration = try FailoverdConfiguration.load(file: path, environment: [:])
        try configuration.validate()

        // check
        let spec = configuration.service.container
        #expect(spec.environmentFile == "/etc/failoverd/orders.env")
        #expect(spec.secrets == ["db_password": "/etc/failoverd/secrets/db_password"])
        #expect(spec.command == ["httpd", "-f", "-p", "8080"])
        #expect(spec.entrypoint == ["/bin/sh", "-c"])
        #expect(spec.user == "app:app")
        #expect(spec.workingDirectory == "/www")
        #expect(spec.volumes == ["/srv/uploads:/data:ro", "orders-cache:/cache"])
        #expect(spec.memoryLimit.bytes == 512 << 20)
        #expect(spec.cpus == 1.5)
        #expect(spec.log.driver == "json-file" && spec.log.options == ["max-size": "10m", "max-file": "3"])
        #expect(spec.healthCheck.test == ["CMD", "/bin/check"])
        #expect(spec.healthCheck.interval == .seconds(1) && spec.healthCheck.timeout == .milliseconds(500))
        #expect(spec.healthCheck.retries == 2 && spec.healthCheck.startPeriod == .seconds(5))
        #expect(spec.ports == ["127.0.0.1:8080:8080", "9000:9000/udp"])
        #expect(configuration.service.imagePull.policy == .always)
        #expect(configuration.service.imagePull.registryAuthFile == "/etc/failoverd/registry-auth.json")
        #expect(configuration.service.imagePull.timeout == .seconds(120))
    }

    @Test func everyOptionPrintsAndLoadsBackTheSame() throws {
        let (path, directory) = try writeConfigurationFile(Self.everyOption)
        defer { removeDirectory(directory) }
        let configuration = try FailoverdConfiguration.load(file: path, environment: [:])
        let printed = directory + "/printed.yml"
        try configuration.redactedDescription().write(toFile: printed, atomically: true, encoding: .utf8)
        var reloaded = try FailoverdConfiguration.load(file: printed, environment: [:])
        // env values are redacted in the printout; everything else comes back.
        reloaded.service.container.environment = configuration.service.container.environment
        #expect(reloaded == configuration)
    }

    @Test(arguments: [
        ("volumes: [uploads]", "container.volumes", "SOURCE:TARGET"),
        ("volumes: [/srv:relative]", "container.volumes", "absolute path"),
        ("volumes: [/srv:/data:rwx]", "container.volumes", "ro or rw"),
        ("volumes: [\"bad name!:/data\"]", "container.volumes", "volume name"),
        ("network_mode: bridge\n  ports: [\"80\"]", "container.ports", "HOSTPORT:CONTAINERPORT"),
        ("network_mode: bridge\n  ports: [\"70000:80\"]", "container.ports", "1-65535"),
        ("network_mode: bridge\n  ports: [\"1.2.3:80:80\"]", "container.ports", "not an IPv4 address"),
        ("network_mode: bridge\n  ports: [\"80:80/sctp\"]", "container.ports", "/tcp|/udp"),
        ("ports: [\"8080:8080\"]", "container.ports", "host networking publishes no ports"),
        ("secrets: {\"../x\": /etc/x}", "container.secrets", "letters, digits"),
        ("secrets: {db: relative/file}", "container.secrets", "absolute path"),
        ("env_file: orders.env", "container.env_file", "absolute path"),
        ("working_dir: www", "container.working_dir", "absolute path"),
        ("env: [JUSTANAME]", "container.env", "NAME=value"),
        ("healthcheck: {test: [curl, -f, x]}", "container.healthcheck.test", "CMD, CMD-SHELL or NONE"),
        ("healthcheck: {test: [CMD]}", "container.healthcheck.test", "needs a command"),
        ("healthcheck: {test: [CMD, x], interval_seconds: 0}", "container.healthcheck.interval_seconds", "> 0"),
        ("healthcheck: {test: [CMD, x], retries: 0}", "container.healthcheck.retries", "≥ 1"),
        ("cpus: -1", "container.cpus", "≥ 0"),
        ("cpus: 4096", "container.cpus", "between 0"),
        ("memory: 1m", "container.memory", "at least 6m"),
        ("image: Not/An:Reference:At:All", "container.image", "not an image reference"),
        ("pull_timeout_seconds: 0", "container.pull_timeout_seconds", "> 0"),
    ])
    func aValueThatCannotBeUsedIsRefusedNamingItsKey(_ yaml: String, _ key: String, _ words: String) throws {
        let image = yaml.hasPrefix("image:") ? "" : "\n  image: app:1"
        let (path, directory) = try writeConfigurationFile("auth: {token_file: /t}\ncontainer:\(image)\n  \(yaml)\n")
        defer { removeDirectory(directory) }
        let configuration = try FailoverdConfiguration.load(file: path, environment: [:])
        #expect {
            try configuration.validate()
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.key == key && error?.problem.contains(words) == true
        }
    }

    @Test(arguments: [
        ("memory: lots", "container.memory", "a size such as 512m"),
        ("pull: sometimes", "container.pull", "one of never, missing, always"),
        ("cpus: many", "container.cpus", "expected a number"),
        ("secrets: [a, b]", "container.secrets", "expected a map"),
    ])
    func aValueOfTheWrongKindIsRefusedAtLoadNamingItsKey(_ yaml: String, _ key: String, _ words: String) throws {
        let (path, directory) = try writeConfigurationFile("auth: {token_file: /t}\ncontainer:\n  image: app:1\n  \(yaml)\n")
        defer { removeDirectory(directory) }
        #expect {
            _ = try FailoverdConfiguration.load(file: path, environment: [:])
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.key == key && error?.problem.contains(words) == true
        }
    }

    @Test func aLocalImageNameNeedsNoRegistryReferenceWhenNeverPulled() throws {
        let (path, directory) = try writeConfigurationFile("auth: {token_file: /t}\ncontainer: {image: My_Local_Image, pull: never}\n")
        defer { removeDirectory(directory) }
        try FailoverdConfiguration.load(file: path, environment: [:]).validate()
    }
}
