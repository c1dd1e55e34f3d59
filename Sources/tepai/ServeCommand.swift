import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TepaiCore
import TepaiDelivery
import TepaiRender
import TepaiSchedule
import TepaiServer
import TepaiSources
import TepaiStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the daemon.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var logger = Logger(label: "tepai")
        logger.logLevel = ProcessInfo.processInfo.environment["TEPAI_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let config = try global.loadConfig()
        let store = try global.openStore(config)
        let service = try await global.answerService(config, store: store, logger: logger)
        var services: [any Service] = []
        var admin: AdminAPI?
        if let sqlite = store as? SQLiteStore {
            let outbox = SQLiteOutbox(store: sqlite)
            let worker = OutboxWorker(outbox: outbox, sender: ChannelSender(transport: CurlTransport(), logger: logger),
                                      limiter: RobotRateLimiter(), channels: config.channels, logger: logger)
            services.append(OutboxService(worker: worker, logger: logger))
            let (templates, composer) = try global.digestTemplates(config)
            let ledger = DigestLedger(store: sqlite)
            let runner = DigestJobRunner(composer: composer, ledger: ledger, channels: config.channels, logger: logger)
            let clock = try global.clock(config)
            // A pinned --now is for reproducible runs: the scheduler then sees that moment, not the wall clock.
            let now: @Sendable () -> Date = { clock.instant() }
            services.append(Scheduler(jobs: config.schedules, runner: runner, ledger: ledger, logger: logger, clock: now))
            if !config.sources.isEmpty {
                // A polled change is answerable at once: the index is rebuilt as soon as a poll stored something.
                let poller = SourcePoller(
                    sources: config.sources, store: sqlite, state: SourceStateStore(store: sqlite),
                    fetcher: FeedFetcher(transport: CurlTransport(threads: 2)),
                    validator: EntryValidator(knownRegions: config.knownRegions, strict: config.strictImport),
                    timeZone: config.timezone, logger: logger,
                    onChange: { [service, logger] in
                        do { try await service.refresh() } catch {
                            logger.error("search index refresh after a source poll failed", metadata: ["error": "\(error)"])
                        }
                    })
                services.append(SourcePollerService(poller: poller, logger: logger))
            }
            admin = AdminAPI(config: config, store: sqlite, outbox: outbox,
                             announcer: Announcer(templates: templates, outbox: outbox, channels: config.channels),
                             digests: runner, clock: clock, logger: logger)
        }
        try await TepaiDaemon(config: config, answers: service, logger: logger, services: services, admin: admin).run()
    }
}
