/// How the cloud copy is created: what a real service needs (command, user, volumes, secrets,
/// limits, logging, a health check). Pre-created at startup so a failover is a single `start`.
///
/// File-backed parts (`environmentFile`, `secrets`) name files on the cloud host; the Docker
/// adapters read them, so their contents never appear here, in a label or in the environment.
public struct ContainerSpec: Sendable, Equatable {
    /// Container name (unique on the host).
    public var name: String
    /// Image reference: a local name, or a registry's (`registry/name:tag`, `name@sha256:…`).
    public var image: String
    /// Environment as `KEY=value`; wins over `environmentFile`, as with `docker run`.
    public var environment: [String]
    /// A file of `KEY=value` lines on the cloud host, read at each create (`--env-file`).
    public var environmentFile: String?
    /// Labels; failoverd adds its own to recognise containers it manages.
    public var labels: [String: String]
    /// Docker network mode: `host`, `bridge`, `none`, or a network name.
    public var networkMode: String
    /// Port publications `[IP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]` (not with `host` networking).
    public var ports: [String]
    /// Seconds Docker waits after SIGTERM before SIGKILL on stop.
    public var stopTimeoutSeconds: Int
    /// The command (`CMD`); empty keeps the image's.
    public var command: [String]
    /// The entrypoint; empty keeps the image's.
    public var entrypoint: [String]
    /// `user`, `uid`, `user:group` or `uid:gid`; empty keeps the image's.
    public var user: String
    /// Working directory; empty keeps the image's.
    public var workingDirectory: String
    /// Mounts in `docker run -v` syntax: `/host/path:/target[:ro]` binds a host path (which
    /// must exist: it is never created behind the operator's back), `name:/target[:ro]` a volume.
    public var volumes: [String]
    /// Secrets by name, each a file on the cloud host: delivered as `/run/secrets/NAME`, mode
    /// 0400, owned by the container's user; never as environment values.
    public var secrets: [String: String]
    /// Memory limit in bytes; 0 is none.
    public var memoryLimit: ByteCount
    /// CPU limit in CPUs (1.5 is one and a half); 0 is none.
    public var cpus: Double
    /// Log driver and its options; an empty driver keeps dockerd's default.
    public var log: LogSettings
    /// A health check of the configuration's own; an empty test keeps the image's.
    public var healthCheck: HealthCheck

    /// Creates a spec.
    public init(
        name: String,
        image: String,
        environment: [String] = [],
        labels: [String: String] = [:],
        networkMode: String = "host",
        ports: [String] = [],
        stopTimeoutSeconds: Int = 10
    ) {
        self.name = name
        self.image = image
        self.environment = environment
        self.environmentFile = nil
        self.labels = labels
        self.networkMode = networkMode
        self.ports = ports
        self.stopTimeoutSeconds = stopTimeoutSeconds
        self.command = []
        self.entrypoint = []
        self.user = ""
        self.workingDirectory = ""
        self.volumes = []
        self.secrets = [:]
        self.memoryLimit = ByteCount(0)
        self.cpus = 0
        self.log = LogSettings()
        self.healthCheck = HealthCheck()
    }

    /// A stable hash of the spec, stored as a label, so a changed configuration is noticed and
    /// the container re-created instead of silently running an old image or environment. Parts
    /// left at their defaults add nothing, so a spec written before they existed keeps its hash
    /// (an upgrade does not re-create an unchanged copy).
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var canonical =
            [name, image, networkMode, String(stopTimeoutSeconds)]
            + environment.sorted() + ports.sorted() + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let optional: [(String, [String])] = [
            ("command", command), ("entrypoint", entrypoint), ("user", user.isEmpty ? [] : [user]),
            ("workdir", workingDirectory.isEmpty ? [] : [workingDirectory]), ("volumes", volumes),
            ("secrets", secrets.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }),
            ("memory", memoryLimit.bytes == 0 ? [] : [String(memoryLimit.bytes)]), ("cpus", cpus == 0 ? [] : [String(cpus)]),
            ("log", log.driver.isEmpty ? [] : [log.driver] + log.options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }),
            ("health", healthCheck.isConfigured ? healthCheck.canonical : []),
        ]
        for (part, values) in optional where !values.isEmpty {
            canonical.append(part)
            canonical += values
        }
        for byte in canonical.joined(separator: "\u{1F}").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// Where a secret is delivered in the container.
    public static func secretPath(_ name: String) -> String { "/run/secrets/\(name)" }
}

/// A number of bytes, written with Docker's binary units (`512m`, `2g`, `65536`).
public struct ByteCount: Sendable, Equatable, CustomStringConvertible {
    /// The bytes.
    public var bytes: Int

    /// Creates a count.
    public init(_ bytes: Int) {
        self.bytes = bytes
    }

    /// Reads `512m`, `1.5g`, `65536` or `64k` (b, k, m, g; case-insensitive; powers of 1024).
    public init?(parsing text: String) {
        let lowered = text.lowercased()
        let units: [Character: Double] = ["b": 1, "k": 1024, "m": 1_048_576, "g": 1_073_741_824]
        let (digits, scale) = lowered.last.flatMap { units[$0] }.map { (String(lowered.dropLast()), $0) } ?? (lowered, 1)
        guard let value = Double(digits), value.isFinite, value >= 0, value * scale < Double(Int.max / 2) else { return nil }
        self.bytes = Int((value * scale).rounded())
    }

    /// The shortest exact form: `512m`, `1536k`, `100`.
    public var description: String {
        for (unit, scale) in [("g", 1 << 30), ("m", 1 << 20), ("k", 1024)] where bytes != 0 && bytes % scale == 0 {
            return "\(bytes / scale)\(unit)"
        }
        return String(bytes)
    }
}

/// Where the container's output goes.
public struct LogSettings: Sendable, Equatable {
    /// `json-file`, `local`, `journald`, …; empty keeps dockerd's default.
    public var driver = ""
    /// The driver's options, e.g. `max-size: 10m`, `max-file: 3`.
    public var options: [String: String] = [:]

    /// dockerd's defaults.
    public init() {}
}

/// A health check of the configuration's own, overriding or supplying the image's
/// `HEALTHCHECK`. failoverd reports the copy running only once it is healthy.
public struct HealthCheck: Sendable, Equatable {
    /// `["CMD", exe, args…]`, `["CMD-SHELL", "command"]`, or `["NONE"]` to switch the image's
    /// off; empty keeps the image's.
    public var test: [String] = []
    /// Time between checks. Shorter than Docker's 30 s: the first passing check gates the failover.
    public var interval: Duration = .seconds(2)
    /// Longest one check may take.
    public var timeout: Duration = .seconds(2)
    /// Failed checks in a row that make the copy unhealthy.
    public var retries = 3
    /// Time after start during which failed checks do not count.
    public var startPeriod: Duration = .zero

    /// The defaults; no check of the configuration's own.
    public init() {}

    /// Whether the configuration sets one (an empty test keeps the image's).
    public var isConfigured: Bool { !test.isEmpty }

    var canonical: [String] {
        test + ["\(interval)", "\(timeout)", String(retries), "\(startPeriod)"]
    }
}
