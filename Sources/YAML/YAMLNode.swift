/// One node of a YAML document, as the configuration reads and prints it: scalars keep their
/// text and style (a quoted "120" is a string, a plain 120 a number), mappings keep their order.
public enum YAMLNode: Sendable, Equatable {
    /// Text: a string, a number or a boolean, as the reader asks.
    case scalar(YAMLScalar)
    /// A list, in order.
    case sequence([YAMLNode], YAMLCollectionStyle)
    /// Keys and values, in document order.
    case mapping(YAMLMapping)

    /// A scalar; `.any` lets the emitter pick the plainest style that reads back the same.
    public init(_ string: String, _ style: YAMLScalarStyle = .any) {
        self = .scalar(YAMLScalar(string, style))
    }

    /// A sequence of nodes.
    public init(_ elements: [YAMLNode], _ style: YAMLCollectionStyle = .block) {
        self = .sequence(elements, style)
    }

    /// A mapping of key and value nodes, in this order.
    public init(_ pairs: [(YAMLNode, YAMLNode)], _ style: YAMLCollectionStyle = .block) {
        self = .mapping(YAMLMapping(pairs.map { YAMLMapping.Pair(key: $0.0, value: $0.1) }, style))
    }

    /// The scalar, or nil for a collection.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }

    /// The elements of a sequence, or nil.
    public var sequence: [YAMLNode]? {
        if case .sequence(let elements, _) = self { return elements }
        return nil
    }

    /// The mapping, or nil.
    public var mapping: YAMLMapping? {
        if case .mapping(let mapping) = self { return mapping }
        return nil
    }

    /// A scalar's text, whatever its style.
    public var string: String? { scalar?.string }
}

/// How a scalar is written. Numbers are read from plain scalars only, so `"120"` stays text.
public enum YAMLScalarStyle: Sendable, Equatable {
    case any, plain, singleQuoted, doubleQuoted, literal, folded
}

/// How a sequence or mapping is written: `- a` lines (block) or `[a, b]` (flow).
public enum YAMLCollectionStyle: Sendable, Equatable {
    case any, block, flow
}

/// A scalar's text and style.
public struct YAMLScalar: Sendable, Equatable {
    /// The text, quotes and escapes resolved.
    public var string: String
    /// How it was written, or is to be.
    public var style: YAMLScalarStyle

    /// A scalar of this text and style.
    public init(_ string: String, _ style: YAMLScalarStyle = .any) {
        self.string = string
        self.style = style
    }
}

/// A mapping's pairs in document order. Looking a key up finds the first pair whose key is a
/// scalar with that text; setting one replaces that pair's value or appends a pair.
public struct YAMLMapping: Sendable, Equatable, Sequence {
    /// One key and its value.
    public struct Pair: Sendable, Equatable {
        /// The key, usually a scalar.
        public var key: YAMLNode
        /// Its value.
        public var value: YAMLNode
    }

    /// The pairs in document order (parsing refuses duplicate keys; a lookup finds the first).
    public private(set) var pairs: [Pair]
    /// How the mapping is written.
    public var style: YAMLCollectionStyle

    /// A mapping of these pairs.
    public init(_ pairs: [Pair] = [], _ style: YAMLCollectionStyle = .block) {
        self.pairs = pairs
        self.style = style
    }

    /// The value of the first pair whose key is a scalar with this text.
    public subscript(key: String) -> YAMLNode? {
        get { pairs.first { $0.key.string == key }?.value }
        set {
            let index = pairs.firstIndex { $0.key.string == key }
            switch (index, newValue) {
            case (let index?, let value?): pairs[index].value = value
            case (let index?, nil): pairs.remove(at: index)
            case (nil, let value?): pairs.append(Pair(key: YAMLNode(key), value: value))
            case (nil, nil): break
            }
        }
    }

    /// The keys in document order.
    public var keys: [YAMLNode] { pairs.map(\.key) }

    /// The pairs as `(key, value)`, in document order.
    public func makeIterator() -> some IteratorProtocol<(key: YAMLNode, value: YAMLNode)> {
        pairs.lazy.map { (key: $0.key, value: $0.value) }.makeIterator()
    }
}
