/// An image reference as Docker reads it: `[registry[:port]/]path[:tag][@sha256:digest]`.
public struct ImageReference: Sendable, Equatable, CustomStringConvertible {
    /// The registry host (and port), nil for Docker Hub's implicit one.
    public var registry: String?
    /// The repository path without registry, tag or digest.
    public var path: String
    /// The tag, nil when none is written.
    public var tag: String?
    /// `sha256:…`, when the reference is pinned.
    public var digest: String?

    /// Reads a reference; nil when it is not one Docker would take.
    public init?(parsing text: String) {
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            let digest = rest[rest.index(after: at)...]
            let hex = digest.dropFirst("sha256:".count)
            guard digest.hasPrefix("sha256:"), hex.count == 64, hex.allSatisfy(\.isHexDigit) else { return nil }
            self.digest = String(digest)
            rest = rest[..<at]
        }
        let components = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard let first = components.first, let last = components.last, !last.isEmpty else { return nil }
        var pathComponents = components
        if components.count > 1, first.contains(".") || first.contains(":") || first == "localhost" {
            registry = String(first)
            pathComponents.removeFirst()
        }
        var lastComponent = pathComponents.removeLast()
        if let colon = lastComponent.lastIndex(of: ":") {
            let tag = lastComponent[lastComponent.index(after: colon)...]
            let tagCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
            guard !tag.isEmpty, tag.count <= 128, tag.allSatisfy(tagCharacters.contains) else { return nil }
            self.tag = String(tag)
            lastComponent = lastComponent[..<colon]
        }
        pathComponents.append(lastComponent)
        let pathCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789_.-")
        guard pathComponents.allSatisfy({ !$0.isEmpty && $0.allSatisfy(pathCharacters.contains) }) else { return nil }
        path = pathComponents.joined(separator: "/")
    }

    /// The repository as `fromImage` takes it: registry and path.
    public var repository: String { registry.map { "\($0)/\(path)" } ?? path }

    /// What a pull asks for: the digest when pinned, else the tag (`latest` when none is
    /// written: without one, dockerd would pull every tag).
    public var pullTag: String { digest ?? tag ?? "latest" }

    /// Whether it names its content, so an image by this name on the host is the right one.
    public var isPinned: Bool { digest != nil }

    public var description: String {
        repository + (tag.map { ":\($0)" } ?? "") + (digest.map { "@\($0)" } ?? "")
    }
}

/// A registry's user name and password (or token), as `X-Registry-Auth` carries them.
public struct RegistryCredentials: Sendable, Equatable {
    /// User name; `AWS` for ECR.
    public var username: String
    /// Password or token.
    public var password: String

    /// Creates credentials.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

}

/// When failoverd pulls the cloud copy's image. Never on the failover path.
public enum PullPolicy: String, Sendable, CaseIterable {
    /// The image must be on the host already (loaded from a tarball, or built there).
    case never
    /// Pulled when it is not on the host (at startup, and once a changed spec names another).
    case missing
    /// Pulled at every failoverd start, so a tag moved in the registry is followed.
    case always
}
