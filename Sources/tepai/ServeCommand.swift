import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TepaiCore
import TepaiDelivery
import TepaiRender
import TepaiSchedule
import TepaiServer
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
        var callbackEvents: any CallbackEventLog = InMemoryCallbackEventLog()
        if let sqlite = store as? SQLiteStore {
            callbackEvents = CallbackEventStore(store: sqlite)
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
            admin = AdminAPI(config: config, store: sqlite, outbox: outbox,
                             announcer: Announcer(templates: templates, outbox: outbox, channels: config.channels),
                             digests: runner, clock: clock, logger: logger)
        }
        try await TepaiDaemon(config: config, answers: service, logger: logger, services: services, admin: admin,
                              callbackEvents: callbackEvents).run()
    }
}
