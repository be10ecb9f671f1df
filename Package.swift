// swift-tools-version: 6.1
import PackageDescription

/// Shared by every target so the whole package follows one set of language rules.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The build's version, `<release>+git<revision>[.dirty]`: scripts/version.sh computes it and every
/// build entry point (the Makefile, the build and test scripts) exports it; SwiftPM evaluates the
/// manifest again when it changes. Only the characters a version can hold pass into C.
let kitVersion = String(
    (Context.environment["FAILOVER_KIT_VERSION"] ?? "0.0.0+unstamped").filter { $0.isLetter || $0.isNumber || "+.-~".contains($0) }
)

let package = Package(
    name: "hybrid-failover",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "onprem-api", targets: ["onprem-api"]),
        .executable(name: "failoverd", targets: ["failoverd"]),
        .executable(name: "failover-drill", targets: ["failover-drill"]),
        // For the fuzz package in Tests/Fuzz/Daemon, which builds everything with sanitizers.
        .library(name: "FailoverDaemon", targets: ["FailoverDaemon"]),
    ],
    dependencies: [
        // No default traits: FullFoundation would link full Foundation, and with it ICU, into
        // failoverd; ConfigurationSupport brings swift-configuration, which nothing here reads.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        .target(
            name: "ServiceSupport",
            dependencies: [
                .product(name: "Logging", package: "swift-log")
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .target(
            name: "SystemdSupport",
            dependencies: [
                "CSystemd",
                "ServiceSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(
            name: "YAML",
            dependencies: ["CYAML"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CBuildStamp",
            cSettings: [.define("FAILOVER_KIT_VERSION", to: "\"\(kitVersion)\"")]
        ),
        .target(
            name: "ProcessTelemetry",
            dependencies: [
                "CBuildStamp",
                "ServiceSupport",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OnPremAPI",
            dependencies: [
                "ProcessTelemetry",
                "ServiceSupport",
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FailoverCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RuntimeSpec",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DockerEngine",
            dependencies: [
                "RuntimeSpec",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FailoverDaemon",
            dependencies: [
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                "CMalloc",
                "FailoverCore",
                "RuntimeSpec",
                "ProcessTelemetry",
                "ServiceSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                "YAML",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DockerRuntime",
            dependencies: [
                "DockerEngine",
                "FailoverCore",
                "FailoverDaemon",
                "RuntimeSpec",
                "ServiceSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "failoverd",
            dependencies: [
                "DockerRuntime",
                "FailoverDaemon",
                "ProcessTelemetry",
                "ServiceSupport",
                "SystemdSupport",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings,
            // The Swift runtime and FoundationEssentials are linked in, so the cloud host needs
            // only glibc, libstdc++, libsystemd0 and libyaml-0-2 (the package's Depends), in every
            // build configuration: the binary CI tests under systemd is the kind that ships. Full
            // Foundation is not: it brings ICU, 35 of the binary's 66 MiB (BENCHMARKS.md). The
            // group lists Essentials' static archives, whose order autolinking gets wrong. Not
            // -static-executable: Debian has no static libsystemd. -z now: every symbol bound at
            // start, so the whole GOT can be read-only (RELRO), as in Debian's own packages.
            linkerSettings: [
                .unsafeFlags([
                    "-static-stdlib", "-Xlinker", "-z", "-Xlinker", "now", "-Xlinker", "--start-group",
                    "-lFoundationEssentials", "-l_FoundationCShims", "-l_FoundationCollections",
                    "-Xlinker", "--end-group",
                ])
            ]
        ),
        .target(
            name: "DrillLoad",
            dependencies: [
                "ServiceSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "failover-drill",
            dependencies: [
                "DrillLoad",
                "ProcessTelemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "onprem-api",
            dependencies: [
                "OnPremAPI",
                "ProcessTelemetry",
                "ServiceSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestFixtures",
            path: "Tests/Fixtures",
            exclude: ["alertmanager"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OnPremAPITests",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                "OnPremAPI",
                "ProcessTelemetry",
                "ServiceSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FailoverDaemonTests",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                "FailoverDaemon",
                "TestFixtures",
                "FailoverCore",
                "RuntimeSpec",
                "ServiceSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DockerEngineTests",
            dependencies: ["DockerEngine", "RuntimeSpec", "ServiceSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DockerRuntimeTests",
            dependencies: ["DockerEngine", "DockerRuntime", "FailoverCore", "FailoverDaemon", "RuntimeSpec"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DockerIntegrationTests",
            dependencies: [
                "DockerEngine",
                "DockerRuntime",
                "RuntimeSpec",
                "ServiceSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "FailoverDaemon",
                "FailoverCore",
                "TestFixtures",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SystemdSupportTests",
            dependencies: [
                "SystemdSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProcessTelemetryTests",
            dependencies: [
                "ProcessTelemetry",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "YAMLTests",
            dependencies: ["YAML"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DrillLoadTests",
            dependencies: ["DrillLoad"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FailoverCoreTests",
            dependencies: ["FailoverCore", "TestFixtures"],
            swiftSettings: swiftSettings
        ),
    ]
)
