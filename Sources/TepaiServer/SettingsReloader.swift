import Foundation
import Logging
import ServiceLifecycle
import TepaiCore
import TepaiRender
import TepaiSchedule
import TepaiSearch
import UnixSignals

/// The settings a running daemon can take without a restart: channels, templates (answers, announcements,
/// digests) and the lexicon. Components hold these boxes and read them when they start a piece of work.
public struct LiveSettings: Sendable {
    public let channels: ChannelDirectory
    public let templates: Live<TemplateSet>
    public let composer: Live<DigestComposer>
    public let answers: AnswerService

    public init(channels: ChannelDirectory, templates: Live<TemplateSet>, composer: Live<DigestComposer>, answers: AnswerService) {
        self.channels = channels
        self.templates = templates
        self.composer = composer
        self.answers = answers
    }
}

/// Re-reads the config file, the lexicon and the templates, checks all of them, and only then swaps them in
/// together. A broken file is logged with its reason and changes nothing: the daemon keeps serving with what
/// it had. Keys that need a restart (database, server, schedules, time zone, tokens) are named in the log.
public struct SettingsReloader: Sendable {
    public let live: LiveSettings
    public let running: TepaiConfig
    public let loadConfig: @Sendable () throws -> TepaiConfig
    public let logger: Logger

    public init(live: LiveSettings, running: TepaiConfig, loadConfig: @escaping @Sendable () throws -> TepaiConfig, logger: Logger) {
        self.live = live
        self.running = running
        self.loadConfig = loadConfig
        self.logger = logger
    }

    public struct Report: Sendable, Encodable {
        public var reloaded: Bool
        public var error: String?
        public var channels: Int
        public var needsRestart: [String]

        enum CodingKeys: String, CodingKey {
            case reloaded, error, channels
            case needsRestart = "needs_restart"
        }
    }

    @discardableResult
    public func reload() async -> Report {
        do {
            let config = try loadConfig()
            let lexicon = try Lexicon.load(path: config.lexiconPath)
            let templates = try TemplateSet(directory: config.templatesPath, overrides: config.templateOverridesPath)
            let composer = try DigestComposer(templates: templates, timeZone: running.timezone)
            let analyzer = QueryAnalyzer(lexicon: lexicon, regions: running.regionCatalog, pinyin: PinyinTable())
            // Everything is checked; now swap.
            try await live.answers.reload(analyzer: analyzer, renderer: AnswerRenderer(templates: templates, contact: config.contact))
            live.templates.replace(templates)
            live.composer.replace(composer)
            live.channels.replace(configured: config.channels)
            let restart = Self.needsRestart(running, config)
            logger.notice("settings reloaded", metadata: [
                "channels": "\(config.channels.count)", "templates": "\(templates.names.count)",
                "needs_restart": "\(restart.isEmpty ? "-" : restart.joined(separator: ","))",
            ])
            return Report(reloaded: true, channels: config.channels.count, needsRestart: restart)
        } catch {
            logger.error("reload refused; the running settings stay", metadata: ["error": "\(error)"])
            return Report(reloaded: false, error: "\(error)", channels: live.channels.all.count, needsRestart: [])
        }
    }

    /// Keys whose change a reload does not apply.
    static func needsRestart(_ a: TepaiConfig, _ b: TepaiConfig) -> [String] {
        var keys: [String] = []
        if a.database != b.database { keys.append("database") }
        if a.serverHost != b.serverHost || a.serverPort != b.serverPort { keys.append("server") }
        if a.timezone != b.timezone { keys.append("timezone") }
        if a.schedules != b.schedules { keys.append("schedules") }
        if a.adminToken != b.adminToken { keys.append("admin_token") }
        if a.callbacks != b.callbacks { keys.append("callbacks") }
        if a.counties != b.counties { keys.append("counties") }
        if a.sources != b.sources { keys.append("sources") }
        if a.queryRateLimitPerMinute != b.queryRateLimitPerMinute { keys.append("query_rate_limit_per_minute") }
        return keys
    }
}

/// Reloads on SIGHUP, the signal systemd's `ExecReload=kill -HUP $MAINPID` sends.
public struct ReloadOnHangup: Service {
    let reloader: SettingsReloader

    public init(reloader: SettingsReloader) { self.reloader = reloader }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            await reloader.reload()
        }
    }
}
