extension YAMLNode {
    /// A plain scalar as an integer: decimal with an optional sign, or `0x`, `0o`, `0b`; `_` may
    /// group digits. YAML 1.1's leading-zero octal (`010` = 8) and base-60 (`1:30`) are left out:
    /// in a configuration they would be surprises, so `010` reads as 10.
    public var int: Int? {
        guard let text = plainText?.filter({ $0 != "_" }), !text.isEmpty else { return nil }
        let sign = text.first == "-" || text.first == "+" ? String(text.first!) : ""
        let digits = text.dropFirst(sign.count)
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.hasPrefix(prefix) {
            return Int((sign == "-" ? "-" : "") + digits.dropFirst(2), radix: radix)
        }
        return Int(text)
    }

    /// A plain scalar as a number: what `int` reads, decimals, exponents, `.inf`, `-.inf`, `.nan`.
    public var float: Double? {
        guard let text = plainText?.filter({ $0 != "_" }), !text.isEmpty else { return nil }
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: return int.map(Double.init) ?? Double(text)
        }
    }

    /// A scalar of any style as a boolean: true, yes, on, false, no, off, in any case.
    public var bool: Bool? {
        switch scalar?.string.lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }

    /// A plain scalar's text: numbers are never read from quoted ones.
    private var plainText: String? {
        guard let scalar, scalar.style == .plain || scalar.style == .any else { return nil }
        return scalar.string
    }
}
