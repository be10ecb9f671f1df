import RuntimeSpec
import ServiceSupport
import YAML

/// When and how failoverd brings the cloud copy's image onto the host: at startup (and so at
/// every restart a changed spec needs), never on the failover path.
public struct ImagePullSettings: Sendable, Equatable {
    /// When to pull.
    public var policy = PullPolicy.missing
    /// A file with the registry's credentials, JSON `{"username": …, "password": …}`, read at
    /// every pull (ECR's 12-hour token is refreshed in it by the host); nil pulls anonymously.
    public var registryAuthFile: String?
    /// Longest one pull may take.
    public var timeout: Duration = .seconds(600)

    /// The defaults: pulled when missing, anonymously.
    public init() {}
}

extension PullPolicy: ConfigurationWord {}

/// Sizes are written with Docker's units: `512m`, `2g`, or bytes.
extension ByteCount: ConfigurationValue {
    static var typeName: String { "size" }

    init(node: YAMLNode, key: String) throws(ConfigurationError) {
        guard let text = node.scalar?.string, let parsed = ByteCount(parsing: text) else {
            throw ConfigurationError(
                key: key,
                problem: "expected a size such as 512m, 2g or 1073741824, got '\(node.scalar?.string ?? "a collection")'"
            )
        }
        self = parsed
    }

    var node: YAMLNode { YAMLNode(description) }
}
