/// The numeric owner a container's user runs as, resolved the way runc resolves `USER`: names
/// through the image's `/etc/passwd` and `/etc/group`, numbers as they are (a uid without a
/// passwd entry gets group 0). Swarm takes a secret's owner as numbers only.
public struct ContainerUser: Sendable, Equatable {
    /// The user id.
    public var uid: Int
    /// The group id.
    public var gid: Int

    /// Creates an owner.
    public init(uid: Int, gid: Int) {
        self.uid = uid
        self.gid = gid
    }

    /// Resolves `user`, `uid`, `user:group` or `uid:gid` (empty is root) with the image's
    /// passwd and group files (nil when the image has none).
    public static func resolve(_ spec: String, passwd: String?, group: String?) throws(ContainerSpecError) -> ContainerUser {
        if spec.isEmpty { return ContainerUser(uid: 0, gid: 0) }
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let users = entries(passwd)
        let account: [String]?
        let uid: Int
        if let number = Int(parts[0]), number >= 0 {
            uid = number
            account = users.first { Int($0[2]) == number }
        } else {
            guard let found = users.first(where: { $0[0] == parts[0] }), let number = Int(found[2]) else {
                throw ContainerSpecError("user", "user '\(parts[0])' is not in the image's /etc/passwd; give it as a number")
            }
            uid = number
            account = found
        }
        guard parts.count == 2 else { return ContainerUser(uid: uid, gid: account.flatMap { Int($0[3]) } ?? 0) }
        if let number = Int(parts[1]), number >= 0 { return ContainerUser(uid: uid, gid: number) }
        guard let found = entries(group).first(where: { $0[0] == parts[1] }), let number = Int(found[2]) else {
            throw ContainerSpecError("user", "group '\(parts[1])' is not in the image's /etc/group; give it as a number")
        }
        return ContainerUser(uid: uid, gid: number)
    }

    /// Whether `spec` needs the image's files to resolve (it names a user or group by name, or
    /// a uid alone, whose group is the passwd entry's).
    public static func needsImageFiles(_ spec: String) -> Bool {
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        return !spec.isEmpty && !(parts.count == 2 && parts.allSatisfy { Int($0) != nil })
    }

    /// The colon-separated lines with at least four fields (name, password, id, group id).
    private static func entries(_ file: String?) -> [[String]] {
        (file ?? "").split(separator: "\n").map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }.filter {
            $0.count >= 3 && !$0[0].hasPrefix("#")
        }.map { $0.count >= 4 ? $0 : $0 + [""] }
    }
}
