import FailoverCore
import FoundationEssentials
import Testing

@testable import FailoverDaemon

@Suite("a reply without a runtime call")
struct ConvergenceOutcomeTests {
    @Test func onlyAPlanWithNoActionDueIsAnsweredFromTheLastObservation() {
        let until = Date(timeIntervalSince1970: 1_000)
        #expect(ConvergenceOutcome(withoutRuntimeCall: .nothing) == .inSync)
        // The standby is remade by the reconcile loop; the copy is stopped, as wanted.
        #expect(ConvergenceOutcome(withoutRuntimeCall: .prepare) == .inSync)
        #expect(ConvergenceOutcome(withoutRuntimeCall: .paused) == .paused)
        #expect(ConvergenceOutcome(withoutRuntimeCall: .waitForStopBudget(until: until)) == .deferred(until: until))
        #expect(ConvergenceOutcome(withoutRuntimeCall: .start) == nil)
        #expect(ConvergenceOutcome(withoutRuntimeCall: .stop) == nil)
    }
}
