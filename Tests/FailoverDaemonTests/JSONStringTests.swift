import FoundationEssentials
import ServiceSupport
import Testing

/// Log lines and webhook replies quote their strings by hand; a reader must get every string back.
@Suite("JSON string quoting")
struct JSONStringTests {
    @Test func escapesQuotesBackslashesAndControlCharactersTheWayJSONSpells() {
        #expect(JSONString.quote("a\"b\\c\nd\re\tf\u{01}g\u{1F}") == #""a\"b\\c\nd\re\tf\u0001g\u001f""#)
    }

    @Test func leavesTextWithoutSuchCharactersAsItIsNonASCIIIncluded() {
        for text in ["", "OnPremDown", "{site='dc1'}", "café", "日本語", "🚀 failover", "e\u{301}"] {
            #expect(JSONString.quote(text) == "\"" + text + "\"")
        }
    }

    @Test func everyStringDecodesBackToItself() throws {
        // act: every ASCII character, alone and between non-ASCII text, through a JSON decoder
        var texts = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        texts += texts.map { "é" + $0 + "🚀" }
        texts.append(String(texts.joined()))
        for text in texts {
            let decoded = try JSONDecoder().decode([String].self, from: Data(("[" + JSONString.quote(text) + "]").utf8))

            // assert
            #expect(decoded == [text])
        }
    }
}
