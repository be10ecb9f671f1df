// swift-tools-version: 6.1
import PackageDescription

/// libFuzzer targets that need the daemon module (LibYAML, Hummingbird): built only by
/// `scripts/fuzz/run.sh`, with `-sanitize=fuzzer,address -parse-as-library` on every module.
let package = Package(
    name: "failoverd-fuzz",
    platforms: [.macOS(.v15)],
    // The repository, through a link named after the package (scripts/fuzz/run.sh makes it), so the
    // dependency has the same identity in every checkout, whatever its folder is called.
    dependencies: [.package(path: "../../../.build-fuzz/hybrid-failover")],
    targets: [
        .executableTarget(
            name: "configuration-fuzz",
            dependencies: ["FuzzDriver", .product(name: "FailoverDaemon", package: "hybrid-failover")]
        ),
        .executableTarget(
            name: "http-fuzz",
            dependencies: ["FuzzDriver", .product(name: "FailoverDaemon", package: "hybrid-failover")]
        ),
        .target(name: "FuzzDriver"),
    ]
)
