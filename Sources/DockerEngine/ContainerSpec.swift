/// How the cloud copy is created. Pre-created at startup so a failover is a single `start`.
public struct ContainerSpec: Sendable, Equatable, Codable {
    /// Container name (unique on the host).
    public var name: String
    /// Image reference, present locally (no registry pulls on the failover path).
    public var image: String
    /// Environment as `KEY=value`.
    public var environment: [String]
    /// Labels; failoverd adds its own to recognise containers it manages.
    public var labels: [String: String]
    /// Docker network mode: `host`, `bridge`, `none`, or a network name.
    public var networkMode: String
    /// Port publications `HOSTPORT:CONTAINERPORT` (ignored with `host` networking).
    public var ports: [String]
    /// Seconds Docker waits after SIGTERM before SIGKILL on stop.
    public var stopTimeoutSeconds: Int

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
        self.labels = labels
        self.networkMode = networkMode
        self.ports = ports
        self.stopTimeoutSeconds = stopTimeoutSeconds
    }

    /// A stable hash of the spec, stored as a label, so a changed configuration is noticed and the
    /// container re-created instead of silently running an old image or environment.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let canonical =
            [name, image, networkMode, String(stopTimeoutSeconds)]
            + environment.sorted() + ports.sorted() + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        for byte in canonical.joined(separator: "\u{1F}").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
