import Testing
import YAML

@Suite("YAML documents read and written through LibYAML")
struct YAMLNodeTests {
    @Test func blockAndFlowCollectionsKeepOrderAndStyle() throws {
        let node = try #require(
            try YAMLNode.parse(
                """
                listen: {host: 0.0.0.0, port: 9095}
                triggers:
                  - 'alertname="OnPremDown"'
                env: [SITE=cloud, PORT=8080]
                """
            )
        )
        let mapping = try #require(node.mapping)
        #expect(mapping.keys.compactMap(\.string) == ["listen", "triggers", "env"])
        #expect(mapping["listen"]?.mapping?["port"]?.int == 9095)
        #expect(mapping["listen"]?.mapping?.style == .flow)
        #expect(mapping["triggers"]?.sequence?.first?.scalar == YAMLScalar(#"alertname="OnPremDown""#, .singleQuoted))
        #expect(mapping["env"]?.sequence?.compactMap(\.string) == ["SITE=cloud", "PORT=8080"])
    }

    @Test(arguments: [
        ("120", 120), ("-5", -5), ("+7", 7), ("0x1F", 31), ("0o17", 15), ("0b101", 5), ("1_000", 1000), ("010", 10),
    ])
    func plainIntegers(text: String, value: Int) throws {
        #expect(try YAMLNode.parse("v: \(text)")?.mapping?["v"]?.int == value)
    }

    @Test(arguments: ["'120'", "\"120\"", "12a", "1.5", "0x", "''"])
    func quotedOrMalformedTextIsNoInteger(text: String) throws {
        #expect(try YAMLNode.parse("v: \(text)")?.mapping?["v"]?.int == nil)
    }

    @Test func numbersDecimalsAndInfinity() throws {
        let mapping = try #require(try YAMLNode.parse("a: 0.5\nb: 1e3\nc: .inf\nd: 30\ne: '0.5'")?.mapping)
        #expect(mapping["a"]?.float == 0.5)
        #expect(mapping["b"]?.float == 1000)
        #expect(mapping["c"]?.float == .infinity)
        #expect(mapping["d"]?.float == 30)
        #expect(mapping["e"]?.float == nil)
    }

    @Test(arguments: [("true", true), ("Yes", true), ("ON", true), ("'true'", true), ("false", false), ("no", false), ("Off", false)])
    func booleansInAnyCaseAndStyle(text: String, value: Bool) throws {
        #expect(try YAMLNode.parse("v: \(text)")?.mapping?["v"]?.bool == value)
    }

    @Test func aliasesRepeatTheAnchoredNode() throws {
        let mapping = try #require(try YAMLNode.parse("base: &env [A=1, B=2]\ncopy: *env")?.mapping)
        #expect(mapping["copy"] == mapping["base"])
        #expect(mapping["copy"]?.sequence?.count == 2)
    }

    @Test func emptyOrCommentOnlyTextHoldsNoDocument() throws {
        #expect(try YAMLNode.parse("") == nil)
        #expect(try YAMLNode.parse("# only a comment\n") == nil)
    }

    @Test func errorsSayWhereAndWhat() {
        #expect {
            _ = try YAMLNode.parse("a: b: c")
        } throws: { error in
            "\(error)" == "1:5: mapping values are not allowed in this context"
        }
        #expect {
            _ = try YAMLNode.parse("listen:\n  port: [9095\n")
        } throws: { error in
            "\(error)" == "3:1: did not find expected ',' or ']' while parsing a flow sequence at 2:9"
        }
        #expect(throws: YAMLError.self) { try YAMLNode.parse("a: *missing") }
        #expect(throws: YAMLError.self) { try YAMLNode.parse("a: 1\n---\nb: 2\n") }
    }

    @Test func aKeyGivenTwiceIsRefusedWhereItRepeats() {
        #expect {
            _ = try YAMLNode.parse("hold_down_seconds: 120\nlisten: {port: 1}\nhold_down_seconds: 5\n")
        } throws: { error in
            "\(error)" == "3:1: duplicate key 'hold_down_seconds': a key may appear once in a mapping"
        }
        #expect(throws: YAMLError.self) { try YAMLNode.parse("listen: {port: 1, port: 2}") }
        #expect((try? YAMLNode.parse("a: {x: 1}\nb: {x: 1}\n")) != nil, "the same key in two mappings is fine")
    }

    @Test func emittedAsBlockYAMLThatReadsBackTheSame() throws {
        let node = YAMLNode([
            (YAMLNode("listen"), YAMLNode([(YAMLNode("host"), YAMLNode("0.0.0.0", .doubleQuoted)), (YAMLNode("port"), YAMLNode("9095"))])),
            (YAMLNode("triggers"), YAMLNode([YAMLNode(#"alertname="OnPremDown""#, .doubleQuoted)])),
            (YAMLNode("token_file"), YAMLNode("null")),
            (YAMLNode("note"), YAMLNode("déjà: vu", .any)),
        ])
        let text = try node.emitted()
        #expect(
            text == """
                listen:
                  host: "0.0.0.0"
                  port: 9095
                triggers:
                - "alertname=\\"OnPremDown\\""
                token_file: null
                note: "d\\xE9j\\xE0: vu"

                """
        )
        let read = try #require(try YAMLNode.parse(text))
        #expect(read.mapping?["listen"]?.mapping?["port"]?.int == 9095)
        #expect(read.mapping?["triggers"]?.sequence?.first?.string == #"alertname="OnPremDown""#)
        #expect(read.mapping?["note"]?.string == "déjà: vu")
    }

    @Test func settingAKeyReplacesItsValueOrAppendsIt() {
        var mapping = YAMLMapping()
        mapping["a"] = YAMLNode("1")
        mapping["b"] = YAMLNode("2")
        mapping["a"] = YAMLNode("3")
        #expect(mapping.keys.compactMap(\.string) == ["a", "b"])
        #expect(mapping["a"]?.int == 3)
        mapping["a"] = nil
        #expect(mapping.keys.compactMap(\.string) == ["b"])
    }
}
