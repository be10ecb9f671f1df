import CYAML

extension YAMLNode {
    /// The node as a YAML document, written by LibYAML's emitter: block style as each node asks,
    /// two-space indents, 80 columns, non-ASCII escaped, no `---`.
    public func emitted() throws(YAMLError) -> String {
        let output = EmitterOutput()
        var emitter = yaml_emitter_t()
        guard yaml_emitter_initialize(&emitter) == 1 else { throw YAMLError(line: 0, column: 0, problem: "out of memory") }
        defer { yaml_emitter_delete(&emitter) }
        yaml_emitter_set_output(
            &emitter,
            { context, buffer, size in
                guard let context, let buffer else { return 0 }
                Unmanaged<EmitterOutput>.fromOpaque(context).takeUnretainedValue().bytes.append(
                    contentsOf: UnsafeBufferPointer(start: buffer, count: size)
                )
                return 1
            },
            Unmanaged.passUnretained(output).toOpaque()
        )
        yaml_emitter_set_encoding(&emitter, YAML_UTF8_ENCODING)
        yaml_emitter_set_unicode(&emitter, 0)
        yaml_emitter_set_break(&emitter, YAML_LN_BREAK)
        try withExtendedLifetime(output) { () throws(YAMLError) in
            var event = yaml_event_t()
            yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)
            try emit(&event, with: &emitter)
            yaml_document_start_event_initialize(&event, nil, nil, nil, 1)
            try emit(&event, with: &emitter)
            try emitNode(self, with: &emitter)
            yaml_document_end_event_initialize(&event, 1)
            try emit(&event, with: &emitter)
            yaml_stream_end_event_initialize(&event)
            try emit(&event, with: &emitter)
        }
        return String(decoding: output.bytes, as: UTF8.self)
    }

    private func emitNode(_ node: YAMLNode, with emitter: inout yaml_emitter_t) throws(YAMLError) {
        var event = yaml_event_t()
        switch node {
        case .scalar(let scalar):
            var text = Array(scalar.string.utf8)
            text.append(0)
            _ = text.withUnsafeMutableBufferPointer { buffer in
                yaml_scalar_event_initialize(&event, nil, nil, buffer.baseAddress, Int32(buffer.count - 1), 1, 1, scalar.style.libyaml)
            }
            try emit(&event, with: &emitter)
        case .sequence(let elements, let style):
            yaml_sequence_start_event_initialize(&event, nil, nil, 1, style.sequenceStyle)
            try emit(&event, with: &emitter)
            for element in elements { try emitNode(element, with: &emitter) }
            yaml_sequence_end_event_initialize(&event)
            try emit(&event, with: &emitter)
        case .mapping(let mapping):
            yaml_mapping_start_event_initialize(&event, nil, nil, 1, mapping.style.mappingStyle)
            try emit(&event, with: &emitter)
            for (key, value) in mapping {
                try emitNode(key, with: &emitter)
                try emitNode(value, with: &emitter)
            }
            yaml_mapping_end_event_initialize(&event)
            try emit(&event, with: &emitter)
        }
    }

    /// Hands the event to the emitter, which takes it over (and frees it) either way.
    private func emit(_ event: inout yaml_event_t, with emitter: inout yaml_emitter_t) throws(YAMLError) {
        guard yaml_emitter_emit(&emitter, &event) == 1 else {
            throw YAMLError(line: 0, column: 0, problem: emitter.problem.map { String(cString: $0) } ?? "cannot write YAML")
        }
    }
}

/// Where the emitter's write callback puts the bytes; a class so C can hold a pointer to it.
private final class EmitterOutput {
    var bytes: [UInt8] = []
}

extension YAMLCollectionStyle {
    fileprivate var sequenceStyle: yaml_sequence_style_t {
        switch self {
        case .any: YAML_ANY_SEQUENCE_STYLE
        case .block: YAML_BLOCK_SEQUENCE_STYLE
        case .flow: YAML_FLOW_SEQUENCE_STYLE
        }
    }

    fileprivate var mappingStyle: yaml_mapping_style_t {
        switch self {
        case .any: YAML_ANY_MAPPING_STYLE
        case .block: YAML_BLOCK_MAPPING_STYLE
        case .flow: YAML_FLOW_MAPPING_STYLE
        }
    }
}
