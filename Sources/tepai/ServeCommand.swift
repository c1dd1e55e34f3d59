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
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the daemon (SIGHUP reloads channels, templates and lexicon).")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var logger = Logger(label: "tepai")
        logger.logLevel = ProcessInfo.processInfo.environment["TEPAI_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let config = try global.loadConfig()
        let store = try global.openStore(config, logger: logger)
        // Connect and migrate before anything listens: a wrong URL or password stops the start with its reason.
        do { try await store.prepare() } catch { throw UserError("\(error)") }
        logger.info("database ready", metadata: ["database": "\(store.location)"])
        let service = try await global.answerService(config, store: store, logger: logger)
        var services: [any Service] = []
        let callbackEvents: any CallbackEventLog = StoredCallbackEvents(store.makeCallbackEvents())
        let (templates, composer) = try global.digestTemplates(config)
        let live = LiveSettings(channels: try await global.channelDirectory(config), templates: Live(templates),
                                composer: Live(composer), answers: service)
        let transport = CurlTransport()
        let outbox = store.makeOutbox()
        let worker = OutboxWorker(outbox: outbox, sender: ChannelSender(transport: transport, logger: logger),
                                  limiter: RobotRateLimiter(), channels: live.channels, logger: logger)
        let retention = config.deliveryLogDays > 0 ? TimeInterval(config.deliveryLogDays) * 86_400 : nil
        services.append(OutboxService(worker: worker, switches: store.makeChannelSwitches(), logRetention: retention, logger: logger))
        let global = self.global
        let reloader = SettingsReloader(live: live, running: config, loadConfig: { try global.loadConfig() }, logger: logger)
        services.append(ReloadOnHangup(reloader: reloader))
        let clock = try global.clock(config)
        let api = AdminAPI(config: config, store: store, live: live, sender: ChannelSender(transport: transport, logger: logger),
                           reloader: reloader, clock: clock, logger: logger)
        // A pinned --now is for reproducible runs: the scheduler then sees that moment, not the wall clock.
        let now: @Sendable () -> Date = { clock.instant() }
        services.append(Scheduler(jobs: config.schedules, runner: api.digests, ledger: store.makeLedger(), logger: logger, clock: now,
                                  overrides: store.makeScheduleOverrides()))
        // A broken or missing console template stops the start here, with its file and line; a templates folder
        // without a console/ folder (an older custom one) runs without the console and says so.
        var console: Console?
        if Console.hasTemplates(in: config.templatesPath) {
            console = try Console(admin: api, templatesPath: config.templatesPath, secureCookies: config.secureCookies, logger: logger)
        } else {
            logger.warning("web console off: no console/ folder in the templates folder", metadata: ["templates": "\(config.templatesPath)"])
        }
        if !config.sources.isEmpty {
            // A polled change is answerable at once: the index is rebuilt as soon as a poll stored something.
            let poller = SourcePoller(
                sources: config.sources, store: store, state: store.makeSourceState(),
                fetcher: FeedFetcher(transport: CurlTransport(options: TransportOptions(proxyFrom: config), maxTransfers: 2)),
                validator: EntryValidator(knownRegions: config.knownRegions, strict: config.strictImport),
                timeZone: config.timezone, logger: logger,
                onChange: { [service, logger] in
                    do { try await service.refresh() } catch {
                        logger.error("search index refresh after a source poll failed", metadata: ["error": "\(error)"])
                    }
                })
            services.append(SourcePollerService(poller: poller, logger: logger))
        }
        let admin: AdminAPI? = api
        try await TepaiDaemon(config: config, answers: service, logger: logger, services: services, admin: admin,
                              callbackEvents: callbackEvents, console: console).run()
    }
}
