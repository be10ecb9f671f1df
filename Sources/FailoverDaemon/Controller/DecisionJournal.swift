import FailoverCore
import FoundationEssentials
import Logging
import ServiceSupport

/// Records what the controller decided and did: one log line with dotted metadata keys (which
/// journald turns into fields such as `FAILOVER_ACTION`) and the matching counter.
///
/// Kept apart from the controller so the actor reads as state and convergence only.
struct DecisionJournal: Sendable {
    let logger: Logger
    let metrics: DaemonMetrics

    func loaded(_ loaded: StateStore.Loaded, from path: String, runtimeName: String) {
        switch loaded {
        case .fresh:
            logger.info("no saved state; starting in standby", metadata: ["state.path": .string(path)])
        case .restored(let state):
            logger.info(
                "state restored",
                metadata: [
                    "state.path": .string(path), "firing": .stringConvertible(state.firingAlerts.count),
                    "paused": .stringConvertible(state.paused),
                ]
            )
        case .corrupt(let aside, let reason, let paused):
            logger.error(
                aside == nil
                    ? "state file unreadable and cannot be moved aside; rebuilding from \(runtimeName) in memory"
                    : "state file unreadable; moved aside, rebuilding from \(runtimeName)",
                metadata: [
                    "state.path": .string(path), "state.moved_to": .string(aside ?? "not moved"), "error": .string(reason),
                    "paused": .stringConvertible(paused),
                ]
            )
        }
    }

    /// Says what a bad clock had left in the saved state, once at startup.
    func correctedRestoredTimes(_ correction: RestoredTimesCorrection) {
        guard !correction.isEmpty else { return }
        logger.warning(
            "saved state held times in the future (a clock that was ahead); corrected",
            metadata: [
                "state.hold_down_until_was": .string(correction.holdDownClampedFrom.map(RFC3339.format) ?? "unchanged"),
                "state.future_stops_dropped": .stringConvertible(correction.futureStopsDropped),
            ]
        )
    }

    /// The wall clock jumped while failoverd ran; its own times moved with it.
    func clockStepped(by step: TimeInterval) {
        logger.warning(
            "wall clock stepped; hold-down and stop budget keep the time they had left",
            metadata: ["clock.step_seconds": .stringConvertible((step * 1000).rounded() / 1000)]
        )
    }

    func adopted(_ snapshot: RuntimeSnapshot) {
        logger.notice("adopted a running cloud copy without recorded alerts", metadata: ["container.id": .string(snapshot.id ?? "")])
    }

    /// Notices that changed something (applied) or were refused as stale are logged at info;
    /// repeats and foreign alerts only at debug, since Alertmanager re-sends every group each
    /// `repeat_interval` and a storm of them would flood the journal. All are counted.
    func decided(_ decision: WebhookDecision, groupKey: String) {
        var counts: [NoticeVerdict.Outcome: Int] = [:]
        for verdict in decision.verdicts {
            counts[verdict.outcome, default: 0] += 1
            let level: Logger.Level = verdict.outcome == .applied || verdict.outcome == .stale ? .info : .debug
            logger.log(
                level: level,
                "alert notice",
                metadata: [
                    "alert.fingerprint": .string(verdict.fingerprint), "alert.status": .string(verdict.status.rawValue),
                    "decision.outcome": .string(verdict.outcome.rawValue), "alertmanager.group_key": .string(groupKey),
                ]
            )
        }
        for (outcome, count) in counts { metrics.notices(outcome, count: count) }
        if decision.refusedOverCapacity > 0 {
            logger.warning(
                "new trigger alerts refused: the tracked-alert cap is reached (max_tracked_alerts); does a trigger match a high-cardinality alert?",
                metadata: ["alerts.refused": .stringConvertible(decision.refusedOverCapacity)]
            )
        }
        if decision.truncatedAlerts > 0 {
            logger.warning(
                "Alertmanager truncated alerts; raise max_alerts on the failover receiver",
                metadata: [
                    "alertmanager.truncated_alerts": .stringConvertible(decision.truncatedAlerts)
                ]
            )
        }
    }

    /// Corrections are rare and each one means a webhook went missing: logged at notice, with
    /// the fingerprints, so an operator can find the alert in Alertmanager.
    func corrected(_ correction: ViewCorrection) {
        metrics.alertmanagerCorrections(foundFiring: correction.foundFiring.count, resolved: correction.resolved.count)
        for fingerprint in correction.foundFiring {
            logger.notice(
                "Alertmanager lists a firing trigger alert no webhook announced",
                metadata: ["alert.fingerprint": .string(fingerprint), "decision.outcome": "found_firing"]
            )
        }
        for fingerprint in correction.resolved {
            logger.notice(
                "no Alertmanager peer lists a firing trigger alert any more; taking it as resolved (its resolve notice was lost)",
                metadata: ["alert.fingerprint": .string(fingerprint), "decision.outcome": "resolved_by_api"]
            )
        }
    }

    func probed(failing: Bool, since: Date) {
        metrics.probeFailing(failing)
        if failing {
            logger.notice(
                "on-prem fails failoverd's probe; pre-warming the cloud copy (Alertmanager confirms a failover)",
                metadata: ["probe.failing_since": .string(RFC3339.format(since)), "decision.outcome": "probe_failing"]
            )
        } else {
            logger.notice("on-prem passes failoverd's probe again", metadata: ["decision.outcome": "probe_passing"])
        }
    }

    func pauseChanged(_ paused: Bool) {
        logger.notice(paused ? "automation paused by operator" : "automation resumed by operator")
    }

    func modeChanged(observeOnly: Bool) {
        logger.notice(
            observeOnly
                ? "mode observe: failoverd decides but changes nothing on the cloud copy; it says what it would do"
                : "mode act: failoverd acts on the cloud copy again; the current decision applies now"
        )
    }

    /// What observe-only mode holds back changed: `action` is now due (nil: nothing is).
    func withheldChanged(to action: WithheldAction?, from previous: WithheldAction?, reason: String) {
        if let action {
            logger.notice(
                "observe mode: would \(action.phrase) now; no action taken",
                metadata: ["failover.would": .string(action.rawValue), "failover.reason": .string(reason)]
            )
        } else if let previous {
            logger.notice("observe mode: would no longer \(previous.phrase)", metadata: ["failover.would": "nothing"])
        }
    }

    func stopDeferred(until: Date) {
        logger.notice("stop deferred: stop budget used up (on-prem is flapping)", metadata: ["until": .string(RFC3339.format(until))])
    }

    func acted(_ action: RuntimeAction, result: RuntimeSnapshot, reason: String) {
        metrics.action(action, succeeded: true)
        logger.notice(
            "cloud container \(action.pastTense)",
            metadata: [
                "failover.action": .string(action.rawValue), "container.id": .string(result.id ?? ""),
                "container.health": .string(result.health ?? "none"), "reason": .string(reason),
            ]
        )
    }

    func prepared(_ result: RuntimeSnapshot) {
        logger.notice(
            "cloud copy's standby made again from the current spec",
            metadata: ["container.id": .string(result.id ?? ""), "container.image": .string(result.image?.digest ?? "")]
        )
    }

    /// A judged start: each quick exit is an error an operator must fix (the copy cannot stay
    /// up), logged with the wait; a copy that settles or dies after settling, a notice.
    func crashLoop(_ verdict: CrashLoopGuard.Verdict, quickExits: Int) {
        switch verdict {
        case .quickExit(let wait, _):
            metrics.cloudCopyExit(quick: true)
            logger.error(
                "cloud copy exited right after it was started; next start after a wait",
                metadata: [
                    "crash_loop.quick_exits": .stringConvertible(quickExits),
                    "crash_loop.wait_seconds": .stringConvertible(wait.inSeconds),
                ]
            )
        case .exitAfterSettling:
            metrics.cloudCopyExit(quick: false)
            logger.warning("cloud copy exited while it was wanted running; restarting it")
        case .settled:
            logger.notice("cloud copy has stayed up; crash loop over")
        }
    }

    func actionFailed(_ action: RuntimeAction) {
        metrics.action(action, succeeded: false)
    }

    func timed(_ operation: RuntimeOperation, elapsed: Duration) {
        metrics.runtimeOperation(operation, seconds: elapsed.inSeconds)
    }

    func watchChanged(connected: Bool, runtimeName: String) {
        metrics.runtimeWatch(connected: connected)
        if connected {
            logger.info("following \(runtimeName.lowercased()) events for the cloud copy")
        } else {
            logger.warning("lost \(runtimeName.lowercased()) events; only the reconcile loop notices changes until they are back")
        }
    }

    func runtimeReachable(_ runtimeName: String) {
        logger.info("\(runtimeName.lowercased()) reachable")
    }

    func runtimeFailed(_ failure: RuntimeFailure, during phase: ConvergencePhase) {
        var metadata: Logger.Metadata = [
            "phase": .string(phase.rawValue), "runtime.error_kind": .string(failure.kind.rawValue),
            "container.id": .string(failure.target ?? ""), "error": .string(failure.detail),
        ]
        for (key, value) in failure.context { metadata[key] = .string(value) }
        logger.error("runtime call failed", metadata: metadata)
    }

    /// The first failed save is an error; the retries every reconcile pass that fail the same
    /// way are debug lines, so a full disk does not flood the journal it may share.
    func notSaved(_ error: StateStore.Failure, path: String, firstFailure: Bool) {
        logger.log(
            level: firstFailure ? .error : .debug,
            "state not saved; deciding from memory, a restart now would forget it",
            metadata: ["state.path": .string(path), "error": .string("\(error)")]
        )
    }

    func savedAgain(path: String) {
        logger.notice("state saved again after failed saves", metadata: ["state.path": .string(path)])
    }

    func unexpected(_ error: any Error, during phase: String) {
        logger.error("unexpected error", metadata: ["phase": .string(phase), "error": .string("\(error)")])
    }
}
