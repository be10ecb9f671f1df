/// One label matcher in Alertmanager's syntax: `name="value"`, `name!="value"`, `name=~"re"`,
/// `name!~"re"`. Regexes are anchored at both ends, as in Alertmanager.
public struct LabelMatcher: Sendable, Equatable, CustomStringConvertible {
    /// The comparison a matcher makes.
    public enum Operation: String, Sendable, Equatable {
        case equal = "="
        case notEqual = "!="
        case regexMatch = "=~"
        case regexNoMatch = "!~"
    }

    /// The label compared.
    public var name: String
    /// The comparison.
    public var operation: Operation
    /// The literal value or regex source.
    public var value: String

    /// Parses one matcher; throws naming what is wrong.
    public init(parsing text: String) throws(MatcherSyntaxError) {
        let trimmed = text.trimmingWhitespace()
        guard let operatorStart = trimmed.firstIndex(where: { $0 == "=" || $0 == "!" }) else {
            throw MatcherSyntaxError(matcher: text, problem: "no operator; use =, !=, =~ or !~")
        }
        name = String(trimmed[..<operatorStart]).trimmingWhitespace()
        // Checked per ASCII scalar: `isLetter` also took combining marks, which glue onto the `{`
        // the selector is printed with (found by the fuzzer: a name starting with U+073B).
        func allowed(_ scalar: Unicode.Scalar, first: Bool) -> Bool {
            scalar.isASCII && (scalar == "_" || (scalar.properties.isAlphabetic) || (!first && ("0"..."9").contains(scalar)))
        }
        guard let head = name.unicodeScalars.first, allowed(head, first: true),
            name.unicodeScalars.dropFirst().allSatisfy({ allowed($0, first: false) })
        else {
            throw MatcherSyntaxError(matcher: text, problem: "label name must be [A-Za-z_][A-Za-z0-9_]*")
        }
        let rest = trimmed[operatorStart...]
        let symbol: Operation
        if rest.hasPrefix("=~") {
            symbol = .regexMatch
        } else if rest.hasPrefix("!~") {
            symbol = .regexNoMatch
        } else if rest.hasPrefix("!=") {
            symbol = .notEqual
        } else if rest.hasPrefix("=") {
            symbol = .equal
        } else {
            throw MatcherSyntaxError(matcher: text, problem: "unknown operator; use =, !=, =~ or !~")
        }
        operation = symbol
        var raw = String(rest.dropFirst(symbol.rawValue.count)).trimmingWhitespace()
        // Quotes and escapes are read per Unicode scalar: a combining mark after `"`, `\` or `n`
        // would otherwise join it into another Character (found by the fuzzer).
        let scalars = raw.unicodeScalars
        if scalars.count >= 2, scalars.first == "\"", scalars.last == "\"" {
            raw = String(String.UnicodeScalarView(scalars.dropFirst().dropLast())).replacingOccurrencesOfEscapedQuotes()
        } else if scalars.contains("\"") {
            throw MatcherSyntaxError(matcher: text, problem: "unbalanced quotes in value")
        }
        value = raw
        if operation == .regexMatch || operation == .regexNoMatch {
            do {
                _ = try Regex("^(?:\(value))$")
            } catch {
                throw MatcherSyntaxError(matcher: text, problem: "invalid regular expression: \(error)")
            }
        }
    }

    /// Whether a label set satisfies this matcher (a missing label counts as the empty string).
    public func matches(_ labels: [String: String]) -> Bool {
        let actual = labels[name] ?? ""
        switch operation {
        case .equal: return actual == value
        case .notEqual: return actual != value
        case .regexMatch: return regexMatches(actual)
        case .regexNoMatch: return !regexMatches(actual)
        }
    }

    private func regexMatches(_ actual: String) -> Bool {
        // Validated at parse time, so compiling again cannot fail.
        guard let regex = try? Regex("^(?:\(value))$") else { return false }
        return (try? regex.wholeMatch(in: actual)) != nil
    }

    /// The matcher in Alertmanager syntax, the value quoted and escaped so it parses back to
    /// the same matcher (it is also sent to Alertmanager's API as a `filter=`).
    public var description: String {
        var quoted = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "\n": quoted += "\\n"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return "\(name)\(operation.rawValue)\"\(quoted)\""
    }
}

/// A set of matchers that must all match: `{alertname="OnPremDown",severity=~"page|critical"}`.
public struct AlertSelector: Sendable, Equatable, CustomStringConvertible {
    /// The matchers, all required.
    public var matchers: [LabelMatcher]

    /// Parses a selector with or without braces; commas separate matchers outside quotes.
    public init(parsing text: String) throws(MatcherSyntaxError) {
        var body = text.trimmingWhitespace()
        if body.hasPrefix("{") && body.hasSuffix("}") {
            body = String(body.dropFirst().dropLast())
        }
        var parts: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        for scalar in body.unicodeScalars {
            if escaped {
                current.unicodeScalars.append(scalar)
                escaped = false
                continue
            }
            if scalar == "\\" {
                escaped = true
                current.unicodeScalars.append(scalar)
                continue
            }
            if scalar == "\"" { inQuotes.toggle() }
            if scalar == "," && !inQuotes {
                parts.append(current)
                current = ""
            } else {
                current.unicodeScalars.append(scalar)
            }
        }
        parts.append(current)
        let nonEmpty = parts.filter { !$0.trimmingWhitespace().isEmpty }
        guard !nonEmpty.isEmpty else {
            throw MatcherSyntaxError(matcher: text, problem: "a trigger needs at least one matcher, e.g. alertname=\"OnPremDown\"")
        }
        var parsed: [LabelMatcher] = []
        for part in nonEmpty {
            parsed.append(try LabelMatcher(parsing: part))
        }
        matchers = parsed
    }

    /// Whether every matcher matches.
    public func matches(_ labels: [String: String]) -> Bool {
        matchers.allSatisfy { $0.matches(labels) }
    }

    /// The selector in Alertmanager syntax.
    public var description: String { "{" + matchers.map(\.description).joined(separator: ",") + "}" }
}

/// A trigger or matcher that cannot be parsed.
public struct MatcherSyntaxError: Error, Equatable, CustomStringConvertible {
    /// The text that failed.
    public var matcher: String
    /// What is wrong.
    public var problem: String

    /// `matcher 'x': problem`.
    public var description: String { "matcher '\(matcher)': \(problem)" }
}

extension Substring {
    /// The text without leading and trailing whitespace and line breaks: found by index and
    /// copied once. Every webhook's `Content-Type` goes through it; rebuilt from reversed views in
    /// a generic context, it cost as much CPU as reading the whole body.
    package func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(self[first...last])
    }
}

extension String {
    /// The text without leading and trailing whitespace and line breaks.
    package func trimmingWhitespace() -> String {
        self[...].trimmingWhitespace()
    }
}

extension StringProtocol {
    fileprivate func replacingOccurrencesOfEscapedQuotes() -> String {
        var out = ""
        var escaped = false
        for scalar in unicodeScalars {
            if escaped {
                out.unicodeScalars.append(scalar == "n" ? "\n" : scalar)
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
