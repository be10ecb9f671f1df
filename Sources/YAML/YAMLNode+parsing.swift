import CYAML

/// Why a text is not a YAML document, with the place LibYAML gives: "3:5: mapping values are
/// not allowed in this context".
public struct YAMLError: Error, Sendable, CustomStringConvertible {
    /// The line the problem was found on, from 1 (0: not from the text).
    public let line: Int
    /// The column, from 1.
    public let column: Int
    /// LibYAML's words for it, with what it was parsing and where that began.
    public let problem: String

    public var description: String { "\(line):\(column): \(problem)" }
}

extension YAMLNode {
    /// The document in `text`, or nil when it holds none (empty, or only comments). Anchors and
    /// aliases are resolved; a second document is refused, as a configuration is one document.
    public static func parse(_ text: String) throws(YAMLError) -> YAMLNode? {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [0x0A] }  // LibYAML reads an empty buffer as no stream at all
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLError(line: 0, column: 0, problem: "out of memory") }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var composer = Composer()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { throw YAMLError(parser) }
                defer { yaml_event_delete(&event) }
                if try composer.consume(event) { return composer.document }
            }
        }
    }
}

/// Builds the node tree from LibYAML's events: a stack of open collections and the anchors seen.
private struct Composer {
    private enum Open {
        case sequence([YAMLNode], YAMLCollectionStyle, anchor: String?)
        case mapping([YAMLMapping.Pair], pendingKey: YAMLNode?, YAMLCollectionStyle, anchor: String?)
    }

    private(set) var document: YAMLNode?
    private var open: [Open] = []
    private var anchors: [String: YAMLNode] = [:]
    private var documents = 0

    /// Takes one event; true once the stream has ended.
    mutating func consume(_ event: yaml_event_t) throws(YAMLError) -> Bool {
        let line = Int(event.start_mark.line) + 1
        let column = Int(event.start_mark.column) + 1
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 { throw YAMLError(line: line, column: column, problem: "a second document; the file must hold one") }
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            try add(YAMLNode(text, YAMLScalarStyle(scalar.style)), anchor: Self.string(scalar.anchor), line: line, column: column)
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let node = anchors[name] else { throw YAMLError(line: line, column: column, problem: "unknown alias *\(name)") }
            try add(node, anchor: nil, line: line, column: column)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            open.append(.sequence([], YAMLCollectionStyle(start.style), anchor: Self.string(start.anchor)))
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            open.append(.mapping([], pendingKey: nil, YAMLCollectionStyle(start.style), anchor: Self.string(start.anchor)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            switch open.removeLast() {
            case .sequence(let elements, let style, let anchor):
                try add(.sequence(elements, style), anchor: anchor, line: line, column: column)
            case .mapping(let pairs, _, let style, let anchor):
                try add(.mapping(YAMLMapping(pairs, style)), anchor: anchor, line: line, column: column)
            }
        default:
            break
        }
        return false
    }

    /// Puts a finished node into the open collection, or makes it the document.
    private mutating func add(_ node: YAMLNode, anchor: String?, line: Int, column: Int) throws(YAMLError) {
        if let anchor { anchors[anchor] = node }
        switch open.popLast() {
        case nil:
            document = node
        case .sequence(var elements, let style, let anchor)?:
            elements.append(node)
            open.append(.sequence(elements, style, anchor: anchor))
        case .mapping(var pairs, let key?, let style, let anchor)?:
            pairs.append(YAMLMapping.Pair(key: key, value: node))
            open.append(.mapping(pairs, pendingKey: nil, style, anchor: anchor))
        case .mapping(let pairs, nil, let style, let anchor)?:
            // YAML requires unique keys; a second one is refused rather than silently losing to
            // the first (an appended override that never applies).
            if let key = node.string, pairs.contains(where: { $0.key.string == key }) {
                throw YAMLError(line: line, column: column, problem: "duplicate key '\(key)': a key may appear once in a mapping")
            }
            open.append(.mapping(pairs, pendingKey: node, style, anchor: anchor))
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}

extension YAMLError {
    /// The parser's own account of what went wrong and where.
    fileprivate init(_ parser: yaml_parser_t) {
        let problem = parser.problem.map { String(cString: $0) } ?? "not valid YAML"
        let context = parser.context.map { "\(String(cString: $0)) at \(parser.context_mark.line + 1):\(parser.context_mark.column + 1)" }
        self.init(
            line: Int(parser.problem_mark.line) + 1,
            column: Int(parser.problem_mark.column) + 1,
            problem: context.map { "\(problem) \($0)" } ?? problem
        )
    }
}

extension YAMLScalarStyle {
    init(_ style: yaml_scalar_style_t) {
        switch style {
        case YAML_PLAIN_SCALAR_STYLE: self = .plain
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: self = .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: self = .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: self = .literal
        case YAML_FOLDED_SCALAR_STYLE: self = .folded
        default: self = .any
        }
    }

    var libyaml: yaml_scalar_style_t {
        switch self {
        case .any: YAML_ANY_SCALAR_STYLE
        case .plain: YAML_PLAIN_SCALAR_STYLE
        case .singleQuoted: YAML_SINGLE_QUOTED_SCALAR_STYLE
        case .doubleQuoted: YAML_DOUBLE_QUOTED_SCALAR_STYLE
        case .literal: YAML_LITERAL_SCALAR_STYLE
        case .folded: YAML_FOLDED_SCALAR_STYLE
        }
    }
}

extension YAMLCollectionStyle {
    init(_ style: yaml_sequence_style_t) {
        switch style {
        case YAML_BLOCK_SEQUENCE_STYLE: self = .block
        case YAML_FLOW_SEQUENCE_STYLE: self = .flow
        default: self = .any
        }
    }

    init(_ style: yaml_mapping_style_t) {
        switch style {
        case YAML_BLOCK_MAPPING_STYLE: self = .block
        case YAML_FLOW_MAPPING_STYLE: self = .flow
        default: self = .any
        }
    }
}
