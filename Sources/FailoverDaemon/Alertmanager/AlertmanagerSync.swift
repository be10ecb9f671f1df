import FailoverCore
import Logging
import ServiceLifecycle

/// Asks Alertmanager which trigger alerts are active and hands the answer to every service's
/// controller (each takes the alerts that trigger it): every interval, and at once when a
/// webhook disagrees with a controller's state. Level-triggered, so a lost resolve ends within
/// an interval plus the hold-down, and a lost firing is found.
actor AlertmanagerSync {
    private let peers: AlertmanagerPeers
    private let controllers: [FailoverController]
    private let metrics: DaemonMetrics
    private let logger: Logger
    private let clock: any DaemonClock
    /// One question at a time; a request while one is out makes one more after it.
    private var schedule = ConvergenceSchedule<Void>()
    /// Peers that failed last time, so a peer going away or coming back is logged once.
    private var failingPeers: Set<String> = []

    init(peers: AlertmanagerPeers, controllers: [FailoverController], metrics: DaemonMetrics, logger: Logger, clock: any DaemonClock) {
        self.peers = peers
        self.controllers = controllers
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
    }

    /// The view at startup, before any controller decides anything; nil when no peer answers.
    func initialView() async -> AlertmanagerView? {
        await askPeers()
    }

    /// Asks and corrects; a request while a question is out makes one more question after it,
    /// so a burst of disagreeing webhooks costs at most two.
    func sync() async {
        switch schedule.request() {
        case .start: schedule.started((), at: clock.monotonicNow())
        case .queueFollowUp: return schedule.queued(())
        case .join: return
        }
        while true {
            if let view = await askPeers() {
                for controller in controllers { await controller.correct(with: view) }
            }
            guard schedule.finished() else { return }
            schedule.followUpBegan(at: clock.monotonicNow())
        }
    }

    private func askPeers() async -> AlertmanagerView? {
        let clock = self.clock
        let (view, answers) = await peers.ask(now: { clock.now() })
        for answer in answers {
            metrics.alertmanagerAnswer(peer: answer.url, answered: (try? answer.result.get()) != nil)
            switch answer.result {
            case .success where failingPeers.remove(answer.url) != nil:
                logger.info("Alertmanager peer answers again", metadata: ["alertmanager.url": .string(answer.url)])
            case .failure(let failure) where failingPeers.insert(answer.url).inserted:
                logger.warning(
                    "Alertmanager peer does not answer; it is left out, so it cannot make an alert look resolved",
                    metadata: ["alertmanager.url": .string(answer.url), "error": .string(failure.description)]
                )
            default:
                break
            }
        }
        return view
    }
}

/// Runs `AlertmanagerSync` every interval until shutdown.
struct AlertmanagerSyncService: Service {
    let sync: AlertmanagerSync
    let interval: Duration

    func run() async throws {
        await repeatUntilShutdown {
            await sync.sync()
            return interval
        }
    }
}
