import Logging
import SystemdSupport
import Testing

@Suite("journal entries")
struct JournalEntryTests {
    private func fields(_ metadata: Logger.Metadata, level: Logger.Level = .notice, message: String = "cloud container started") -> [String: String] {
        let list = JournalEntry.fields(
            identifier: "failoverd",
            label: "failoverd",
            level: level,
            message: message,
            metadata: metadata,
            file: "FailoverDaemon/FailoverController.swift",
            function: "act(_:_:)",
            line: 42
        )
        var byName: [String: String] = [:]
        for field in list {
            let name = String(field.prefix { $0 != "=" })
            #expect(byName[name] == nil, "field \(name) sent twice")
            byName[name] = String(field.dropFirst(name.count + 1))
        }
        return byName
    }

    @Test func metadataBecomesFilterableFields() {
        let entry = fields(["failover.action": "start", "container.id": "0123456789ab", "alert.fingerprint": "fp1"])
        #expect(entry["FAILOVER_ACTION"] == "start")
        #expect(entry["CONTAINER_ID"] == "0123456789ab")
        #expect(entry["ALERT_FINGERPRINT"] == "fp1")
        #expect(entry["SYSLOG_IDENTIFIER"] == "failoverd")
        #expect(entry["CODE_LINE"] == "42")
        #expect(entry["CODE_FUNC"] == "act(_:_:)")
    }

    @Test func theMessageStaysReadableWithoutVerboseOutput() {
        let entry = fields(["failover.action": "start", "reason": "OnPremDown firing since 10:00"])
        #expect(entry["MESSAGE"] == #"cloud container started failover.action=start reason="OnPremDown firing since 10:00""#)
    }

    @Test(arguments: [
        (Logger.Level.trace, "7"), (.debug, "7"), (.info, "6"), (.notice, "5"), (.warning, "4"), (.error, "3"), (.critical, "2"),
    ])
    func levelsMapToSyslogPriorities(_ level: Logger.Level, _ priority: String) {
        #expect(fields([:], level: level)["PRIORITY"] == priority)
    }

    @Test(arguments: [
        ("docker.status", "DOCKER_STATUS"),
        ("_private", "PRIVATE"),
        ("2xx", "META_2XX"),
        ("message", "META_MESSAGE"),
        ("priority", "META_PRIORITY"),
        ("élan-vital", "LAN_VITAL"),
        (String(repeating: "k", count: 80), String(repeating: "K", count: 64)),
    ])
    func metadataKeysBecomeValidFieldNames(_ key: String, _ expected: String) {
        let name = JournalEntry.fieldName(forMetadataKey: key)
        #expect(name == expected)
        #expect(name.count <= 64)
        #expect(name.first != "_")
        #expect(name.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") })
    }

    @Test func metadataCannotOverrideTheMessageOrPriority() {
        let entry = fields(["message": "forged", "priority": "0"], level: .info)
        #expect(entry["PRIORITY"] == "6")
        #expect(entry["META_MESSAGE"] == "forged")
        #expect(entry["MESSAGE"]?.hasPrefix("cloud container started") == true)
    }
}

@Suite("JOURNAL_STREAM")
struct JournalStreamTests {
    @Test func parsesDeviceAndInode() {
        let parsed = JournalStream.parse("8:123456")
        #expect(parsed?.device == 8 && parsed?.inode == 123456)
    }

    @Test(arguments: ["", "8", "8:", ":9", "a:b", "8:9:10", "-1:2"])
    func rejectsMalformedValues(_ value: String) {
        #expect(JournalStream.parse(value) == nil)
    }

    @Test func aStreamThatIsNotOursIsIgnored() {
        #expect(!JournalStream.isConnected(environment: [:]))
        #expect(!JournalStream.isConnected(environment: ["JOURNAL_STREAM": "0:0"]))
    }
}
