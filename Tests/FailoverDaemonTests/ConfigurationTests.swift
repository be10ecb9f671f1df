import FailoverCore
import FailoverDaemon
import FoundationEssentials
import NIOHTTP1
import RuntimeSpec
import ServiceSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("failoverd configuration")
struct FailoverdConfigurationTests {
    /// The shipped example must stay valid.
    @Test func shippedExampleLoadsAndValidates() throws {
        let path = #filePath.components(separatedBy: "/Tests/")[0] + "/systemd/failoverd.yml"
        let configuration = try FailoverdConfiguration.load(file: path, environment: ["CREDENTIALS_DIRECTORY": "/run/credentials/failoverd.service"])
        try configuration.validate()
        #expect(configuration.port == 9095)
        #expect(configuration.service.container.image == "onprem-api:latest")
        #expect(configuration.tokenFile == "/etc/failoverd/webhook-token", "the file's token_file wins over LoadCredential's directory")
        #expect(configuration.service.holdDown == .seconds(120))
        let policy = try configuration.service.policy()
        #expect(policy.isConfirmedTrigger(["alertname": "OnPremDown"]))
        #expect(policy.isTrigger(["alertname": "OnPremDownSuspected"]) && !policy.isConfirmedTrigger(["alertname": "OnPremDownSuspected"]))
        #expect(policy.prewarmHoldDown == 30)
    }

    @Test func aPrewarmNeverHoldsLongerThanAConfirmedFailover() throws {
        let (path, directory) = try writeConfigurationFile("hold_down_seconds: 10\nprewarm_hold_down_seconds: 30\n")
        defer { removeDirectory(directory) }
        #expect(try FailoverdConfiguration.load(file: path, environment: [:]).service.policy().prewarmHoldDown == 10)
    }

    @Test func withoutATokenFileSystemdCredentialsAreUsed() throws {
        let configuration = try FailoverdConfiguration.load(file: nil, environment: ["CREDENTIALS_DIRECTORY": "/run/credentials/failoverd.service"])
        #expect(configuration.tokenFile == "/run/credentials/failoverd.service/webhook-token")
    }

    @Test func dockerHostPointsAtASocketUnlessTheFileOrVariableSaysOtherwise() throws {
        let proxy = ["DOCKER_HOST": "unix:///run/docker-proxy.sock"]
        #expect(try FailoverdConfiguration.load(file: nil, environment: proxy).dockerSocket == "/run/docker-proxy.sock")
        let (path, directory) = try writeConfigurationFile("docker: {socket: /from/file.sock}\n")
        defer { removeDirectory(directory) }
        #expect(try FailoverdConfiguration.load(file: path, environment: proxy).dockerSocket == "/from/file.sock")
        let overridden = proxy.merging(["FAILOVERD_DOCKER_SOCKET": "/from/env.sock"]) { $1 }
        #expect(try FailoverdConfiguration.load(file: nil, environment: overridden).dockerSocket == "/from/env.sock")
        #expect {
            _ = try FailoverdConfiguration.load(file: nil, environment: ["DOCKER_HOST": "tcp://127.0.0.1:2375"])
        } throws: { error in
            (error as? ConfigurationError)?.key == "DOCKER_HOST"
        }
    }

    @Test func systemdDirectoriesAreTheDefaults() throws {
        let systemd = ["CONFIGURATION_DIRECTORY": "/etc/failoverd-unit", "STATE_DIRECTORY": "/var/lib/failoverd-unit"]
        #expect(FailoverdConfiguration.defaultFile(environment: systemd, fileExists: { _ in true }) == "/etc/failoverd-unit/failoverd.yml")
        #expect(
            FailoverdConfiguration.defaultFile(environment: systemd, fileExists: { $0.hasPrefix("/etc/failoverd/") })
                == "/etc/failoverd/failoverd.yml"
        )
        #expect(FailoverdConfiguration.defaultFile(environment: [:], fileExists: { _ in false }) == nil)
        #expect(try FailoverdConfiguration.load(file: nil, environment: systemd).stateDirectory == "/var/lib/failoverd-unit")
        let (path, directory) = try writeConfigurationFile("state_directory: /from/file\n")
        defer { removeDirectory(directory) }
        #expect(try FailoverdConfiguration.load(file: path, environment: systemd).stateDirectory == "/from/file")
    }

    @Test func aTokenFileOthersCanReadOrATokenThatCannotBeSentIsRefused() throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        var configuration = FailoverdConfiguration()
        configuration.tokenFile = directory + "/token"
        try writeSecret("0123456789abcdef0123\n", to: directory + "/token")
        #expect(try configuration.readToken() == "0123456789abcdef0123")
        chmod(directory + "/token", 0o644)
        #expect {
            _ = try configuration.readToken()
        } throws: { error in
            "\(error)".contains("is readable by every user (mode 0644); chmod 0640 it, owner root, group failoverd-secrets")
        }
        try writeSecret("0123456789abcdef\n0123456789abcdef\n", to: directory + "/token")
        #expect {
            _ = try configuration.readToken()
        } throws: { error in
            "\(error)".contains("a space or line break inside it")
        }
    }

    @Test func aSecondDaemonOnTheSameStateDirectoryIsRefusedNamingTheFirst() throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        do {
            let first = try StateDirectoryLock.acquire(directory: directory)
            #expect {
                _ = try StateDirectoryLock.acquire(directory: directory)
            } throws: { error in
                "\(error)".hasPrefix("another failoverd (pid \(getpid())) uses this state directory")
            }
            withExtendedLifetime(first) {}
        }
        #expect(throws: Never.self, "the lock ends with its holder") { _ = try StateDirectoryLock.acquire(directory: directory) }
    }

    @Test func theCLINamesTheURLItCouldNotReach() async throws {
        // setup: a token, and port 1, where nothing listens here
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try writeSecret("0123456789abcdef0123\n", to: directory + "/token")
        var configuration = FailoverdConfiguration()
        configuration.tokenFile = directory + "/token"
        configuration.host = "127.0.0.1"
        configuration.port = 1
        // act, check
        await #expect {
            _ = try await DaemonClient(configuration: configuration).call(.GET, "/status")
        } throws: { error in
            "\(error)".hasPrefix("cannot reach failoverd at http://127.0.0.1:1/status: ") && "\(error)".contains("Connection refused")
        }
    }

    @Test(arguments: [("0.0.0.0", "127.0.0.1"), ("::", "[::1]"), ("10.0.0.5", "10.0.0.5"), ("fd00::5", "[fd00::5]"), ("127.0.0.2", "127.0.0.2")])
    func theCLIReachesTheDaemonWhereItListens(_ host: String, _ address: String) {
        #expect(DaemonClient.address(listeningOn: host) == address)
    }

    @Test func environmentOverridesTheFile() throws {
        let (path, directory) = try writeConfigurationFile("listen: {port: 1000}\ncontainer: {image: a:1}\n")
        defer { removeDirectory(directory) }
        let configuration = try FailoverdConfiguration.load(
            file: path,
            environment: [
                "FAILOVERD_PORT": "2000", "FAILOVERD_CONTAINER_IMAGE": "b:2", "FAILOVERD_TOKEN_FILE": "/t",
            ]
        )
        #expect(configuration.port == 2000)
        #expect(configuration.service.container.image == "b:2")
        #expect(configuration.tokenFile == "/t")
    }

    @Test(arguments: [
        ("triggers: ['alertname']\ncontainer: {image: x}\nauth: {token_file: /t}", "triggers"),
        ("container: {image: x}", "auth.token_file"),
        ("auth: {token_file: /t}", "container.image"),
        ("reply_deadline_seconds: 12\ncontainer: {image: x}\nauth: {token_file: /t}", "reply_deadline_seconds"),
        ("tls: {certificate: /c}\ncontainer: {image: x}\nauth: {token_file: /t}", "tls"),
        ("alertmanager: {urls: ['am1:9093']}\ncontainer: {image: x}\nauth: {token_file: /t}", "alertmanager.urls"),
        ("alertmanager: {basic_auth: {username: u}}\ncontainer: {image: x}\nauth: {token_file: /t}", "alertmanager.basic_auth"),
        ("alertmanager: {interval_seconds: 0}\ncontainer: {image: x}\nauth: {token_file: /t}", "alertmanager.interval_seconds"),
    ])
    func invalidFilesNameTheKey(_ yaml: String, _ key: String) throws {
        let (path, directory) = try writeConfigurationFile(yaml)
        defer { removeDirectory(directory) }
        let configuration = try FailoverdConfiguration.load(file: path, environment: [:])
        #expect {
            try configuration.validate()
        } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }

    @Test func credentialsInAPeerURLAreRefusedWithoutBeingEchoed() throws {
        let (path, directory) = try writeConfigurationFile(
            "alertmanager: {urls: ['http://u:secret@am1:9093']}\ncontainer: {image: x}\nauth: {token_file: /t}"
        )
        defer { removeDirectory(directory) }
        let configuration = try FailoverdConfiguration.load(file: path, environment: [:])
        #expect {
            try configuration.validate()
        } throws: { error in
            let message = "\(error)"
            return message.contains("alertmanager.urls") && message.contains("basic_auth") && !message.contains("secret")
        }
    }

    @Test(arguments: [
        ("hold_down: 600", "hold_down", "did you mean 'hold_down_seconds'?"),
        ("container: {image: x, nmae: cloud}", "container.nmae", "did you mean 'container.name'?"),
        ("stop_budget: {max_stop: 2}", "stop_budget.max_stop", "did you mean 'stop_budget.max_stops'?"),
        ("alertmanager: {url: [http://a]}", "alertmanager.url", "did you mean 'alertmanager.urls'?"),
        ("completely_unrelated: 1", "completely_unrelated", "check-config --keys"),
    ])
    func unknownFileKeysAreRefusedWithTheNearestKey(_ yaml: String, _ key: String, _ hint: String) throws {
        let (path, directory) = try writeConfigurationFile(yaml)
        defer { removeDirectory(directory) }
        #expect {
            _ = try FailoverdConfiguration.load(file: path, environment: [:])
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.key == key && error.problem.contains("unknown key (in \(path))") && error.problem.contains(hint)
        }
    }

    @Test func unknownFailoverdVariablesAreRefusedWithTheNearestName() {
        #expect {
            _ = try FailoverdConfiguration.load(file: nil, environment: ["FAILOVERD_HOLD_DOWN_SECOND": "5", "HOME": "/root"])
        } throws: { error in
            (error as? ConfigurationError)?.key == "FAILOVERD_HOLD_DOWN_SECOND"
                && (error as? ConfigurationError)?.problem.contains("did you mean 'FAILOVERD_HOLD_DOWN_SECONDS'?") == true
        }
    }

    @Test func malformedYAMLIsRejectedNamingTheFile() {
        #expect {
            _ = try FailoverdConfiguration.load(file: "/dev/null/none.yml", environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.description.contains("/dev/null/none.yml") == true
        }
    }

    @Test func redactedDescriptionHidesEnvironmentValues() throws {
        var configuration = FailoverdConfiguration()
        configuration.service.container.environment = ["DB_PASSWORD=hunter2", "SITE=cloud"]
        let text = configuration.redactedDescription()
        #expect(!text.contains("hunter2"))
        #expect(text.contains("DB_PASSWORD=<redacted>"))
    }

    @Test func shortTokensAreRefused() throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        try #require(FileManager.default.createFile(atPath: directory + "/token", contents: Data("short\n".utf8)))
        var configuration = FailoverdConfiguration()
        configuration.tokenFile = directory + "/token"
        #expect(throws: ConfigurationError.self) { try configuration.readToken() }
        try writeSecret("0123456789abcdef0123\n", to: directory + "/token")
        #expect(try configuration.readToken() == "0123456789abcdef0123")
    }

    @Test func anUnreadableTokenOrFileSaysTheOperatingSystemsReason() throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        var configuration = FailoverdConfiguration()
        configuration.tokenFile = directory + "/missing"
        #expect {
            try configuration.readToken()
        } throws: { error in
            "\(error)" == "auth.token_file: cannot read \(directory)/missing: No such file or directory"
        }
        configuration.tokenFile = directory
        #expect {
            try configuration.readToken()
        } throws: { error in
            "\(error)".hasSuffix("cannot read \(directory): Is a directory")
        }
    }

    @Test func everyKeyHasAnEnvironmentVariableAndListsReadAsYAML() throws {
        let configuration = try FailoverdConfiguration.load(
            file: nil,
            environment: [
                "FAILOVERD_MAX_BACKOFF_SECONDS": "7.5", "FAILOVERD_STOP_BUDGET_MAX_STOPS": "9",
                "FAILOVERD_TRIGGERS": #"['alertname="SiteDown"', 'severity="page"']"#, "FAILOVERD_CONTAINER_LABELS": "{team: sre}",
            ]
        )
        #expect(configuration.maximumBackoff == .milliseconds(7500))
        #expect(configuration.service.maximumStopsPerWindow == 9)
        #expect(configuration.service.triggers == [#"alertname="SiteDown""#, #"severity="page""#])
        #expect(configuration.service.container.labels == ["team": "sre"])
    }

    @Test func flagsOverrideTheEnvironment() throws {
        let configuration = try FailoverdConfiguration.load(
            file: nil,
            environment: ["FAILOVERD_PORT": "2000"],
            flags: ["--port", "3000", "--hold-down-seconds=0.5", "--state-directory", "/s"]
        )
        #expect(configuration.port == 3000)
        #expect(configuration.service.holdDown == .milliseconds(500))
        #expect(configuration.stateDirectory == "/s")
    }

    @Test(arguments: [
        (["--prot", "3000"], "--prot"),
        (["--port"], "--port"),
        (["--port", "many"], "--port"),
    ])
    func badFlagsNameTheFlag(_ flags: [String], _ key: String) {
        #expect {
            _ = try FailoverdConfiguration.load(file: nil, environment: [:], flags: flags)
        } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }

    @Test func wrongTypesNameTheKeyTheFileAndTheValue() throws {
        let (path, directory) = try writeConfigurationFile("stop_budget: {max_stops: three}\n")
        defer { removeDirectory(directory) }
        #expect {
            _ = try FailoverdConfiguration.load(file: path, environment: [:])
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.key == "stop_budget.max_stops" && error?.problem.contains("'three'") == true && error?.problem.contains(path) == true
        }
    }

    @Test(arguments: ["1e19", "1e30", "-1e30", "1000000001"])
    func durationsTooLongForATimerAreRefusedAtLoad(_ seconds: String) throws {
        let (path, directory) = try writeConfigurationFile("hold_down_seconds: \(seconds)\n")
        defer { removeDirectory(directory) }
        #expect {
            _ = try FailoverdConfiguration.load(file: path, environment: [:])
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.key == "hold_down_seconds" && error?.problem.contains("beyond the longest duration") == true
        }
    }

    @Test func anUnknownTargetIsRefusedAtLoadNamingTheKnownOnes() throws {
        let (path, directory) = try writeConfigurationFile("target: kubernetes\ncontainer: {image: x}\nauth: {token_file: /t}\n")
        defer { removeDirectory(directory) }
        #expect {
            _ = try FailoverdConfiguration.load(file: path, environment: [:])
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.key == "target" && error?.problem.contains("one of container, swarm, got \"kubernetes\"") == true
        }
    }

    @Test(arguments: [
        ("max_backoff_seconds: 0", "max_backoff_seconds", "> 0"),
        ("listen: {port: 70000}", "listen.port", "0–65535"),
        ("max_body_bytes: 10", "max_body_bytes", "≥ 1024"),
        ("target: swarm\nswarm: {replicas: 0}", "swarm.replicas", "≥ 1"),
        ("swarm: {managers: [/run/node2.sock]}", "swarm.managers", "only serve a swarm target"),
        ("target: swarm\nswarm: {managers: [node2.sock]}", "swarm.managers", "not an absolute path"),
    ])
    func outOfRangeValuesNameTheKeyTheValueAndTheRange(_ yaml: String, _ key: String, _ range: String) throws {
        let (path, directory) = try writeConfigurationFile(yaml + "\ncontainer: {image: x}\nauth: {token_file: /t}\n")
        defer { removeDirectory(directory) }
        let configuration = try FailoverdConfiguration.load(file: path, environment: [:])
        #expect {
            try configuration.validate()
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.key == key && error?.problem.contains(range) == true
        }
    }

    @Test func aSwarmTargetRefusesPortPublicationsItCannotMake() throws {
        let (path, directory) = try writeConfigurationFile("target: swarm\ncontainer: {image: x, ports: [\"8080:8080\"]}\nauth: {token_file: /t}\n")
        defer { removeDirectory(directory) }
        let configuration = try FailoverdConfiguration.load(file: path, environment: [:])
        #expect {
            try configuration.validate()
        } throws: { error in
            (error as? ConfigurationError)?.key == "container.ports" && (error as? ConfigurationError)?.problem.contains("network_mode host") == true
        }
    }

    @Test func checkConfigPrintsYAMLThatLoadsBackToTheSameConfiguration() throws {
        let directory = makeStateDirectory()
        defer { removeDirectory(directory) }
        var configuration = testConfiguration(stateDirectory: directory)
        configuration.tlsCertificatePath = "/etc/failoverd/cert.pem"
        configuration.service.container.labels = ["team": "sre"]
        configuration.service.container.ports = ["8081:8080"]
        configuration.service.container.environment = []
        let path = directory + "/printed.yml"
        try #require(FileManager.default.createFile(atPath: path, contents: Data(configuration.redactedDescription().utf8)))
        #expect(try FailoverdConfiguration.load(file: path, environment: [:]) == configuration)
    }

    @Test func documentedKeyTableIsTheGeneratedOne() throws {
        let path = #filePath.components(separatedBy: "/Tests/")[0] + "/docs/configuration.md"
        let reference = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            reference.contains(FailoverdConfiguration.keyReference()),
            "run `failoverd check-config --keys` and paste its table into docs/configuration.md"
        )
    }
}

@Suite("Connections and descriptors")
struct ConnectionLimitTests {
    @Test(arguments: [
        (4096, 8192, 4096, false),  // the unit's LimitNOFILE=8192: all fit
        (4096, 1024, 768, true),  // a shell's 1024: as many as fit beside the daemon's own
        (100, 1024, 100, false),
        (4096, 200, 16, true),  // never fewer than the setting's own minimum
    ])
    func maxConnectionsIsKeptWithinTheDescriptorsThereAre(_ configured: Int, _ openFiles: Int, _ allowed: Int, _ clamped: Bool) {
        var configuration = FailoverdConfiguration()
        configuration.maximumConnections = configured
        let limit = configuration.connectionLimit(openFiles: openFiles)
        #expect(limit.allowed == allowed)
        #expect((limit.clampedBecause != nil) == clamped)
        if let reason = limit.clampedBecause {
            #expect(reason.contains("max_connections \(configured)") && reason.contains("\(openFiles) open files") && reason.contains("LimitNOFILE"))
        }
    }
}
