import ServiceSupport
import YAML

/// One configuration key, declared once: where it lives in the file, its environment variable
/// and flag, its type, default and allowed values. Reading the file, the environment and the
/// flags, validation, `check-config`'s printout and the README's key table all come from here.
struct ConfigurationKey: Sendable {
    /// Dotted path in the file, e.g. `stop_budget.max_stops`.
    let path: String
    /// The environment variable that overrides the file.
    let environmentName: String
    /// The command-line flag (without `--`) that overrides the environment, if any.
    let flag: String?
    /// One line for the README and `--help`.
    let summary: String
    /// The type, as the README names it.
    let typeName: String
    /// What values are allowed, for the README ("0–65535", "> 0"), or empty.
    let allowed: String
    /// How the value is shown when printed.
    let redaction: Redaction
    /// Whether a running daemon applies a new value on SIGHUP; other keys need a restart.
    let reloadable: Bool
    /// Whether an entry under `services:` may set it for its own service.
    let perService: Bool
    private let readNode: @Sendable (inout FailoverdConfiguration, YAMLNode) throws(ConfigurationError) -> Void
    private let readText: @Sendable (inout FailoverdConfiguration, String) throws(ConfigurationError) -> Void
    private let write: @Sendable (FailoverdConfiguration) -> YAMLNode
    private let check: @Sendable (FailoverdConfiguration) throws(ConfigurationError) -> Void
    private let copy: @Sendable (FailoverdConfiguration, inout FailoverdConfiguration) -> Void

    /// How a value is printed by `check-config`.
    enum Redaction: Sendable {
        /// As it is.
        case none
        /// `NAME=value` entries keep their names only: the values can be secrets.
        case valuesOfAssignments
    }

    /// Declares a key of any `ConfigurationValue` type.
    init<Value: ConfigurationValue>(
        _ path: String,
        _ keyPath: any WritableKeyPath<FailoverdConfiguration, Value> & Sendable,
        environment: String? = nil,
        flag: String? = nil,
        redaction: Redaction = .none,
        allowed rule: AllowedValues<Value> = .any,
        reloadable: Bool = false,
        perService: Bool = false,
        _ summary: String
    ) {
        self.path = path
        self.environmentName = environment ?? "FAILOVERD_" + path.uppercased().replacing(".", with: "_")
        self.flag = flag
        self.summary = summary
        self.typeName = Value.typeName
        self.allowed = rule.description
        self.redaction = redaction
        self.reloadable = reloadable
        self.perService = perService
        self.readNode = { configuration, node throws(ConfigurationError) in
            configuration[keyPath: keyPath] = try Value(node: node, key: path)
        }
        self.readText = { configuration, text throws(ConfigurationError) in
            configuration[keyPath: keyPath] = try Value(text: text, key: path)
        }
        self.write = { $0[keyPath: keyPath].node }
        self.copy = { source, target in target[keyPath: keyPath] = source[keyPath: keyPath] }
        self.check = { configuration throws(ConfigurationError) in
            let value = configuration[keyPath: keyPath]
            guard rule.admits(value) else {
                throw ConfigurationError(key: path, problem: "must be \(rule.description), got \(Self.shown(value.node)) (\(summary))")
            }
        }
    }

    /// The default, as the README shows it.
    func defaultText(in defaults: FailoverdConfiguration) -> String {
        Self.shown(write(defaults))
    }

    func read(_ node: YAMLNode, into configuration: inout FailoverdConfiguration) throws(ConfigurationError) {
        try readNode(&configuration, node)
    }

    func read(text: String, into configuration: inout FailoverdConfiguration) throws(ConfigurationError) {
        try readText(&configuration, text)
    }

    func validate(_ configuration: FailoverdConfiguration) throws(ConfigurationError) {
        try check(configuration)
    }

    /// Whether the two configurations hold different values for this key.
    func differs(_ lhs: FailoverdConfiguration, _ rhs: FailoverdConfiguration) -> Bool {
        write(lhs) != write(rhs)
    }

    /// Sets this key in `target` to its value in `source`.
    func copyValue(from source: FailoverdConfiguration, into target: inout FailoverdConfiguration) {
        copy(source, &target)
    }

    /// The value as `check-config` prints it, redacted where the key says so.
    func printed(_ configuration: FailoverdConfiguration) -> YAMLNode {
        let node = write(configuration)
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
    private static func shown(_ node: YAMLNode) -> String {
        if let scalar = node.scalar { return scalar.string.isEmpty ? "\"\"" : scalar.string }
        if let sequence = node.sequence { return "[" + sequence.map(shown).joined(separator: ", ") + "]" }
        if let mapping = node.mapping { return "{" + mapping.map { "\(shown($0.key)): \(shown($0.value))" }.joined(separator: ", ") + "}" }
        return ""
    }
}

/// The values a key admits, with the words an error and the README use for them.
struct AllowedValues<Value: Sendable>: Sendable {
    /// How the README and errors describe the rule; empty when anything goes.
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
