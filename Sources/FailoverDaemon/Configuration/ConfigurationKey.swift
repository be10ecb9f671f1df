import ServiceSupport
import YAML

/// One configuration key, declared once: where it lives in the file, its environment variable
/// and flag, its type, default and allowed values. Reading the file, the environment and the
/// flags, validation, `check-config`'s printout and the key table in docs/configuration.md all come from here.
struct ConfigurationKey: Sendable {
    /// Dotted path in the file, e.g. `stop_budget.max_stops`.
    let path: String
    /// The environment variable that overrides the file.
    let environmentName: String
    /// The command-line flag (without `--`) that overrides the environment, if any.
    let flag: String?
    /// One line for the key table and `--help`.
    let summary: String
    /// The type, as the key table names it.
    let typeName: String
    /// What values are allowed, for the key table ("0–65535", "> 0"), or empty.
    let allowed: String
    /// How the value is shown when printed.
    let redaction: Redaction
    /// Whether a running daemon applies a new value on SIGHUP; other keys need a restart.
    let reloadable: Bool
    /// Whether an entry under `services:` may set it for its own service: the key lives in
    /// `ServiceSettings`.
    var perService: Bool { serviceAccess != nil }
    fileprivate let access: KeyAccess<FailoverdConfiguration>
    fileprivate let serviceAccess: KeyAccess<ServiceSettings>?

    /// How a value is printed by `check-config`.
    enum Redaction: Sendable {
        /// As it is.
        case none
        /// `NAME=value` entries keep their names only: the values can be secrets.
        case valuesOfAssignments
    }

    /// Declares a key of the daemon, shared by every service.
    init<Value: ConfigurationValue>(
        _ path: String,
        _ keyPath: any WritableKeyPath<FailoverdConfiguration, Value> & Sendable,
        environment: String? = nil,
        flag: String? = nil,
        redaction: Redaction = .none,
        allowed rule: AllowedValues<Value> = .any,
        reloadable: Bool = false,
        _ summary: String
    ) {
        self.init(
            path,
            access: KeyAccess(path: path, keyPath: keyPath, rule: rule, summary: summary),
            serviceAccess: nil,
            typeName: Value.typeName,
            allowed: rule.description,
            environment: environment,
            flag: flag,
            redaction: redaction,
            reloadable: reloadable,
            summary
        )
    }

    /// Declares a key each service may set for itself; at the top level it sets `service`.
    init<Value: ConfigurationValue>(
        _ path: String,
        service keyPath: any WritableKeyPath<ServiceSettings, Value> & Sendable,
        environment: String? = nil,
        flag: String? = nil,
        redaction: Redaction = .none,
        allowed rule: AllowedValues<Value> = .any,
        reloadable: Bool = false,
        _ summary: String
    ) {
        let serviceAccess = KeyAccess(path: path, keyPath: keyPath, rule: rule, summary: summary)
        self.init(
            path,
            access: serviceAccess.lifted(to: \.service),
            serviceAccess: serviceAccess,
            typeName: Value.typeName,
            allowed: rule.description,
            environment: environment,
            flag: flag,
            redaction: redaction,
            reloadable: reloadable,
            summary
        )
    }

    private init(
        _ path: String,
        access: KeyAccess<FailoverdConfiguration>,
        serviceAccess: KeyAccess<ServiceSettings>?,
        typeName: String,
        allowed: String,
        environment: String?,
        flag: String?,
        redaction: Redaction,
        reloadable: Bool,
        _ summary: String
    ) {
        self.path = path
        self.environmentName = environment ?? "FAILOVERD_" + path.uppercased().replacing(".", with: "_")
        self.flag = flag
        self.summary = summary
        self.typeName = typeName
        self.allowed = allowed
        self.redaction = redaction
        self.reloadable = reloadable
        self.access = access
        self.serviceAccess = serviceAccess
    }

    /// The default, as the key table shows it.
    func defaultText(in defaults: FailoverdConfiguration) -> String {
        Self.shown(access.write(defaults))
    }

    // Reading, checking, comparing and printing the key's value in the daemon's configuration or,
    // for a per-service key, in one service's settings.

    func read<Root: KeyedSettings>(_ node: YAMLNode, into root: inout Root) throws(ConfigurationError) {
        try Root.access(of: self).readNode(&root, node)
    }

    func read<Root: KeyedSettings>(text: String, into root: inout Root) throws(ConfigurationError) {
        try Root.access(of: self).readText(&root, text)
    }

    func validate<Root: KeyedSettings>(_ root: Root) throws(ConfigurationError) {
        try Root.access(of: self).check(root)
    }

    /// Whether the two hold different values for this key.
    func differs<Root: KeyedSettings>(_ lhs: Root, _ rhs: Root) -> Bool {
        let access = Root.access(of: self)
        return access.write(lhs) != access.write(rhs)
    }

    /// Sets this key in `target` to its value in `source`.
    func copyValue<Root: KeyedSettings>(from source: Root, into target: inout Root) {
        Root.access(of: self).copy(source, &target)
    }

    /// The value as `check-config` prints it, redacted where the key says so.
    func printed<Root: KeyedSettings>(_ root: Root) -> YAMLNode {
        redacted(Root.access(of: self).write(root))
    }

    private func redacted(_ node: YAMLNode) -> YAMLNode {
        switch redaction {
        case .none:
            return node
        case .valuesOfAssignments:
            let names = node.sequence?.map { entry in
                YAMLNode((entry.scalar?.string.split(separator: "=", maxSplits: 1).first).map(String.init).map { $0 + "=<redacted>" } ?? "<redacted>")
            }
            return YAMLNode(names ?? [], .block)
        }
    }

    /// A value on one line: scalars bare, collections in flow style.
    static func shown(_ node: YAMLNode) -> String {
        if let scalar = node.scalar { return scalar.string.isEmpty ? "\"\"" : scalar.string }
        if let sequence = node.sequence { return "[" + sequence.map(shown).joined(separator: ", ") + "]" }
        if let mapping = node.mapping { return "{" + mapping.map { "\(shown($0.key)): \(shown($0.value))" }.joined(separator: ", ") + "}" }
        return ""
    }
}

/// What holds configuration keys' values: the daemon's configuration (every key) and one service's
/// settings (the per-service keys).
protocol KeyedSettings {
    /// How `key`'s value is read and written here.
    static func access(of key: ConfigurationKey) -> KeyAccess<Self>
}

extension FailoverdConfiguration: KeyedSettings {
    static func access(of key: ConfigurationKey) -> KeyAccess<Self> { key.access }
}

extension ServiceSettings: KeyedSettings {
    static func access(of key: ConfigurationKey) -> KeyAccess<Self> {
        guard let access = key.serviceAccess else { preconditionFailure("\(key.path) is not a per-service key") }
        return access
    }
}

/// Reading, writing, checking and copying one key's value in a `Root`.
struct KeyAccess<Root>: Sendable {
    let readNode: @Sendable (inout Root, YAMLNode) throws(ConfigurationError) -> Void
    let readText: @Sendable (inout Root, String) throws(ConfigurationError) -> Void
    let write: @Sendable (Root) -> YAMLNode
    let check: @Sendable (Root) throws(ConfigurationError) -> Void
    let copy: @Sendable (Root, inout Root) -> Void

    init<Value: ConfigurationValue>(
        path: String,
        keyPath: any WritableKeyPath<Root, Value> & Sendable,
        rule: AllowedValues<Value>,
        summary: String
    ) {
        readNode = { root, node throws(ConfigurationError) in root[keyPath: keyPath] = try Value(node: node, key: path) }
        readText = { root, text throws(ConfigurationError) in root[keyPath: keyPath] = try Value(text: text, key: path) }
        write = { $0[keyPath: keyPath].node }
        copy = { source, target in target[keyPath: keyPath] = source[keyPath: keyPath] }
        check = { root throws(ConfigurationError) in
            let value = root[keyPath: keyPath]
            guard rule.admits(value) else {
                throw ConfigurationError(key: path, problem: "must be \(rule.description), got \(ConfigurationKey.shown(value.node)) (\(summary))")
            }
        }
    }

    private init(
        readNode: @escaping @Sendable (inout Root, YAMLNode) throws(ConfigurationError) -> Void,
        readText: @escaping @Sendable (inout Root, String) throws(ConfigurationError) -> Void,
        write: @escaping @Sendable (Root) -> YAMLNode,
        check: @escaping @Sendable (Root) throws(ConfigurationError) -> Void,
        copy: @escaping @Sendable (Root, inout Root) -> Void
    ) {
        self.readNode = readNode
        self.readText = readText
        self.write = write
        self.check = check
        self.copy = copy
    }

    /// The same key in a value that holds a `Root` at `part`.
    func lifted<Outer>(to part: any WritableKeyPath<Outer, Root> & Sendable) -> KeyAccess<Outer> {
        KeyAccess<Outer>(
            readNode: { outer, node throws(ConfigurationError) in try readNode(&outer[keyPath: part], node) },
            readText: { outer, text throws(ConfigurationError) in try readText(&outer[keyPath: part], text) },
            write: { write($0[keyPath: part]) },
            check: { outer throws(ConfigurationError) in try check(outer[keyPath: part]) },
            copy: { source, target in copy(source[keyPath: part], &target[keyPath: part]) }
        )
    }
}

/// The values a key admits, with the words an error and the key table use for them.
struct AllowedValues<Value: Sendable>: Sendable {
    /// How the key table and errors describe the rule; empty when anything goes.
    let description: String
    /// Whether `value` is allowed.
    let admits: @Sendable (Value) -> Bool

    /// Anything of the right type.
    static var any: Self { Self(description: "", admits: { _ in true }) }
}

extension AllowedValues where Value: Comparable {
    /// A closed range, e.g. ports.
    static func within(_ range: ClosedRange<Value>) -> Self {
        Self(description: "\(range.lowerBound)–\(range.upperBound)", admits: { range.contains($0) })
    }

    /// At least `minimum`.
    static func atLeast(_ minimum: Value) -> Self {
        Self(description: "≥ \(minimum)", admits: { $0 >= minimum })
    }
}

extension AllowedValues where Value == Duration {
    /// Strictly positive.
    static var positive: Self { Self(description: "> 0", admits: { $0 > .zero }) }

    /// Zero or more.
    static var nonNegative: Self { Self(description: "≥ 0", admits: { $0 >= .zero }) }

    /// Strictly between two bounds, in seconds.
    static func between(_ lower: Duration, _ upper: Duration) -> Self {
        Self(description: "between \(Duration.format(lower)) and \(Duration.format(upper)), exclusive", admits: { $0 > lower && $0 < upper })
    }
}

extension AllowedValues where Value == String {
    /// Not empty.
    static var nonEmpty: Self { Self(description: "non-empty", admits: { !$0.isEmpty }) }

    /// One of a few words.
    static func oneOf(_ words: [String]) -> Self {
        Self(description: words.joined(separator: ", "), admits: { words.contains($0) })
    }
}

extension AllowedValues where Value == [String] {
    /// At least one entry.
    static var nonEmpty: Self { Self(description: "at least one entry", admits: { !$0.isEmpty }) }
}
