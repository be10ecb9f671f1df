import FailoverCore
import FoundationEssentials
import Testing

/// The README's rules written the plainest way: per fingerprint, the greatest notice wins, by
/// episode start and then resolved over firing; the cloud copy runs while anything fires and
/// for the hold-down after the last one resolves (the short pre-warm hold-down when no confirmed
/// trigger fired since the last stop); stops beyond the budget wait. The engine is checked
/// against it on thousands of random, seeded notice sequences.
private struct ReferenceModel {
    let holdDown: TimeInterval
    let prewarmHoldDown: TimeInterval
    let confirmedFingerprints: Set<String>
    let maximumStops: Int
    let window: TimeInterval
    var greatest: [String: (episode: Date, resolved: Bool, receivedAt: Date)] = [:]
    var holdDownUntil: Date?
    var stops: [Date] = []
    var paused = false
    /// Whether a confirmed trigger fired since the last stop.
    var confirmed = false

    var firing: Set<String> { Set(greatest.filter { !$0.value.resolved }.keys) }

    mutating func receive(_ notice: Alert, now: Date) {
        let wasFiring = !firing.isEmpty
        let resolved = notice.status == .resolved
        if let known = greatest[notice.fingerprint], (known.episode, known.resolved ? 1 : 0) >= (notice.startsAt, resolved ? 1 : 0) {
            // Not greater than what is known: changes nothing.
        } else {
            greatest[notice.fingerprint] = (notice.startsAt, resolved, now)
        }
        if !firing.isEmpty {
            holdDownUntil = nil
            if !firing.isDisjoint(with: confirmedFingerprints) { confirmed = true }
        } else if wasFiring {
            holdDownUntil = now.addingTimeInterval(confirmed ? holdDown : prewarmHoldDown)
        }
        greatest = greatest.filter { !($0.value.resolved && now.timeIntervalSince($0.value.receivedAt) >= FailoverEngine.resolvedRetention) }
    }

    func wantsRunning(at now: Date) -> Bool {
        !firing.isEmpty || holdDownUntil.map { now < $0 } == true
    }

    func action(actual: ActualState, now: Date) -> PlannedAction {
        let running = actual == .running
        // A missing or outdated standby is made again while the copy should stay stopped.
        if !wantsRunning(at: now) && (actual == .missing || actual == .outdated) { return paused ? .nothing : .prepare }
        if wantsRunning(at: now) == running { return .nothing }
        if paused { return .paused }
        if !running { return .start }
        let recent = stops.filter { $0 > now.addingTimeInterval(-window) }
        if recent.count >= maximumStops, let oldest = recent.min() { return .waitForStopBudget(until: oldest.addingTimeInterval(window)) }
        return .stop
    }
}

@Suite("Engine against a reference model")
struct EngineModelTests {
    /// Two confirmed triggers and one pre-warm alert.
    private static let alertnames = ["fp-a": "OnPremDown", "fp-b": "OnPremDown", "fp-c": "OnPremDownSuspected"]
    private static let fingerprints = alertnames.keys.sorted()
    /// A notice of one of the latest three episodes (`newest` counts them up), so new
    /// episodes keep coming and older ones arrive late.
    private static func randomNotice(_ random: inout SplitMix64, newest: Int = 3) -> Alert {
        let fingerprint = fingerprints.randomElement(using: &random)!
        return Alert(
            status: Bool.random(using: &random) ? .firing : .resolved,
            labels: ["alertname": alertnames[fingerprint]!, "fp": fingerprint],
            startsAt: at(TimeInterval(100 * Int.random(in: max(0, newest - 2)...newest, using: &random))),
            fingerprint: fingerprint
        )
    }

    /// One sequence: notices (duplicates, reorderings, resolves without firings), clock steps
    /// (small, across the hold-down, across the stop window, and backwards), pauses; after
    /// every step the plan is carried out, and engine and model must agree on everything.
    private static func run(seed: UInt64, steps: Int) throws {
        var random = SplitMix64(seed: seed)
        let holdDown = TimeInterval(Int.random(in: 0...120, using: &random))
        let prewarmHoldDown = TimeInterval(Int.random(in: 0...60, using: &random))
        let maximumStops = Int.random(in: 1...3, using: &random)
        let window = TimeInterval(Int.random(in: 60...3600, using: &random))
        var engine = FailoverEngine(
            policy: FailoverPolicy(
                triggers: [try AlertSelector(parsing: #"alertname="OnPremDown""#)],
                prewarmTriggers: [try AlertSelector(parsing: #"alertname="OnPremDownSuspected""#)],
                holdDown: holdDown,
                prewarmHoldDown: prewarmHoldDown,
                maximumStopsPerWindow: maximumStops,
                stopBudgetWindow: window
            )
        )
        var model = ReferenceModel(
            holdDown: holdDown,
            prewarmHoldDown: prewarmHoldDown,
            confirmedFingerprints: Set(alertnames.filter { $0.value == "OnPremDown" }.keys),
            maximumStops: maximumStops,
            window: window
        )
        var now = at(0)
        var actual = ActualState.missing
        var previous: Alert?
        var newestEpisode = 0
        for step in 0..<steps {
            let context = "seed \(seed), step \(step)"
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<55:
                if Int.random(in: 0..<5, using: &random) == 0 { newestEpisode += 1 }
                let notice = previous.flatMap { Bool.random(using: &random) ? $0 : nil } ?? randomNotice(&random, newest: newestEpisode)
                previous = notice
                _ = engine.apply(AlertmanagerWebhook(status: notice.status, alerts: [notice]), now: now)
                model.receive(notice, now: now)
            case 55..<85: now += TimeInterval(Int.random(in: 0...Int(holdDown) + 10, using: &random))
            case 85..<88: now += TimeInterval(Int.random(in: 0...Int(window) * 2, using: &random))
            case 88..<92:
                // To one second before, at or after the end of the hold-down or of the stop window.
                let oldestStop = model.stops.filter { $0 > now.addingTimeInterval(-window) }.min()
                if let boundary = [model.holdDownUntil, oldestStop.map { $0.addingTimeInterval(window) }].compactMap({ $0 }).randomElement(
                    using: &random
                ) {
                    now = max(now, boundary.addingTimeInterval(TimeInterval(Int.random(in: -1...1, using: &random))))
                }
            case 92..<95: now -= TimeInterval(Int.random(in: 1...30, using: &random))
            default:
                engine.setPaused(!engine.state.paused)
                model.paused.toggle()
            }
            let firing = Set(engine.state.firingAlerts.map(\.fingerprint))
            // #require: the first disagreement ends the run and names its seed and step.
            try #require(firing == model.firing, "\(context)")
            // The overview every status line reads is kept, not scanned: it must follow every notice.
            let sorted = engine.state.firingAlerts
            try #require(engine.firing.count == sorted.count && engine.firing.oldest == sorted.first, "\(context)")
            try #require((engine.desired(at: now) == .running) == model.wantsRunning(at: now), "\(context)")
            let planned = engine.plan(actual: actual, now: now)
            try #require(planned == model.action(actual: actual, now: now), "\(context)")
            if planned == .stop { try #require(firing.isEmpty, "never a stop while a trigger fires (\(context))") }
            switch planned {
            case .prepare: actual = .stopped
            case .start:
                actual = .running
                engine.recordStart(at: now)
            case .stop:
                actual = .stopped
                engine.recordStop(at: now)
                model.stops.append(now)
                model.holdDownUntil = nil
                model.confirmed = false
            default: break
            }
        }
    }

    @Test func agreesOnThousandsOfRandomSequences() throws {
        for seed in UInt64(1)...3000 {
            try Self.run(seed: seed, steps: 60)
        }
    }

    @Test func theOrderNoticesArriveInDoesNotMatter() throws {
        var random = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let notices = (0..<Int.random(in: 1...12, using: &random)).map { _ in Self.randomNotice(&random) }
            var inOrder = FailoverEngine(policy: try defaultPolicy())
            var shuffled = FailoverEngine(policy: try defaultPolicy(holdDown: 120))
            for notice in notices { _ = inOrder.apply(webhook(notice), now: at(1)) }
            for notice in notices.shuffled(using: &random) { _ = shuffled.apply(webhook(notice), now: at(1)) }
            #expect(inOrder.state.firingAlerts.map(\.fingerprint) == shuffled.state.firingAlerts.map(\.fingerprint), "\(notices)")
        }
    }
}
