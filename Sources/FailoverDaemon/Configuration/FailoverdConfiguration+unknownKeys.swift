import ServiceSupport
import YAML

extension FailoverdConfiguration {
    /// Refuses a file key or a `FAILOVERD_*` variable that names no key: a typo such as
    /// `hold_down: 600` would otherwise leave the default in force without a word.
    static func rejectUnknownKeys(in root: YAMLNode, file: String) throws(ConfigurationError) {
        if let path = unknownPaths(in: root).first {
            throw ConfigurationError(key: path, problem: "unknown key (in \(file))\(suggestion(for: path, among: keys.map(\.path)))")
        }
    }

    /// See `rejectUnknownKeys(in:file:)`; the environment's names are the keys' `environmentName`.
    static func rejectUnknownVariables(in environment: [String: String]) throws(ConfigurationError) {
        let known = Set(keys.map(\.environmentName))
        guard let name = environment.keys.sorted().first(where: { $0.hasPrefix("FAILOVERD_") && !known.contains($0) }) else { return }
        throw ConfigurationError(key: name, problem: "unknown variable\(suggestion(for: name, among: keys.map(\.environmentName)))")
    }

    /// Every dotted path in the mapping that is neither a key nor on the way to one, in file order.
    private static func unknownPaths(in node: YAMLNode, prefix: String = "") -> [String] {
        guard let mapping = node.mapping else { return [] }
        var unknown: [String] = []
        for (name, value) in mapping {
            let key = name.string ?? "\(name)"
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            // `services:` entries are checked as they are read.
            if keys.contains(where: { $0.path == path }) || path == "services" { continue }
            if keys.contains(where: { $0.path.hasPrefix(path + ".") }) {
                unknown += unknownPaths(in: value, prefix: path)
            } else {
                unknown.append(path)
            }
        }
        return unknown
    }

    /// "; did you mean 'x'?" for a known name that extends this one (`hold_down` →
    /// `hold_down_seconds`) or is within a few edits of it, else a pointer to the list.
    private static func suggestion(for name: String, among known: [String]) -> String {
        let typed = name.lowercased()
        let extended = known.filter { $0.lowercased().hasPrefix(typed) }.min { $0.count < $1.count }
        let scored = known.map { ($0, editDistance(typed, $0.lowercased())) }
        let close = scored.min { $0.1 < $1.1 }.flatMap { $0.1 <= max(2, name.count / 3) ? $0.0 : nil }
        guard let best = extended ?? close else { return "; `failoverd check-config --keys` lists every key" }
        return "; did you mean '\(best)'?"
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
