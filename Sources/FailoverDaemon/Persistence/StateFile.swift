import FailoverCore
import FoundationEssentials

/// The layout of `state.json`: the engine's state with a `format` number and its times in
/// RFC 3339 (UTC, to the microsecond), so an operator can read it and a later release can tell
/// what wrote it. Files from before the format number (times as seconds since 2001) are read too.
enum StateFile {
    /// The format this release writes.
    static let format = 2

    /// A file this release cannot read: written by a newer failoverd.
    struct NewerFormat: Error, CustomStringConvertible {
        let found: Int
        var description: String { "state.json has format \(found), written by a newer failoverd; this one reads up to \(StateFile.format)" }
    }

    private enum Key: String, CodingKey { case format }

    /// The format number beside the state's own keys, so the file stays one flat object.
    private struct Written: Encodable {
        let state: FailoverState

        func encode(to encoder: any Encoder) throws {
            try state.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(StateFile.format, forKey: .format)
        }
    }

    static func encode(_ state: FailoverState) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.formatMicroseconds(date))
        }
        return try encoder.encode(Written(state: state))
    }

    static func decode(_ bytes: Data) throws -> FailoverState {
        struct Header: Decodable { var format: Int? }
        let found = try JSONDecoder().decode(Header.self, from: bytes).format ?? 1
        guard found <= format else { throw NewerFormat(found: found) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            // Format 1 wrote JSONEncoder's default: seconds since 2001-01-01.
            if let seconds = try? container.decode(Double.self) { return Date(timeIntervalSinceReferenceDate: seconds) }
            let text = try container.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: '\(text)'")
            }
            return date
        }
        return try decoder.decode(FailoverState.self, from: bytes)
    }
}
