import SystemdSupport
import Testing

@Suite("sd_notify messages")
struct ServiceManagerMessageTests {
    @Test(arguments: [
        (ServiceManagerMessage.ready, "READY=1"),
        (.watchdog, "WATCHDOG=1"),
        (.status("standby: cloud copy created"), "STATUS=standby: cloud copy created"),
        (.stopping(status: "stopping"), "STOPPING=1\nSTATUS=stopping"),
    ])
    func encodesTheAssignmentsSystemdExpects(_ message: ServiceManagerMessage, _ expected: String) {
        #expect(message.encoded == expected)
    }

    @Test func aMultiLineStatusCannotInjectAssignments() {
        let encoded = ServiceManagerMessage.status("docker said: boom\nREADY=1\r\nWATCHDOG=trigger").encoded
        #expect(encoded.split(separator: "\n").count == 1)
        #expect(encoded.hasPrefix("STATUS=docker said: boom"))
    }

    @Test func theWatchdogIsPingedAtHalfItsTimeout() {
        #expect(SystemdNotifier.pingInterval(watchdogMicroseconds: 20_000_000) == .seconds(10))
        #expect(SystemdNotifier.pingInterval(watchdogMicroseconds: 3) == .microseconds(1))
    }

    @Test func outsideSystemdThereIsNoNotifier() {
        #expect(SystemdNotifier.fromEnvironment([:]) == nil)
        #expect(SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": ""]) == nil)
    }
}
