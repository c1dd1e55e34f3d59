import ArgumentParser
import Foundation
import Logging
import TepaiCore
import TepaiPostgres
import TepaiRender
import TepaiSchedule
import TepaiSearch
import TepaiServer
import TepaiStore

/// Options every command takes (contract): `--config`, `--db`, `--now`.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file.")
    var config: String = "config/tepai.yaml"

    @Option(name: .long, help: "Database path or URL; overrides the configuration.")
    var db: String?

    @Option(name: .long, help: "Fix the clock: YYYY-MM-DD or YYYY-MM-DDTHH:MM in the configured time zone.")
    var now: String?

    /// The configuration with `--db` applied. A missing file is an error only when given explicitly.
    func loadConfig() throws -> TepaiConfig {
        let explicit = CommandLine.arguments.contains { $0 == "--config" || $0.hasPrefix("--config=") }
        var c: TepaiConfig
        do { c = try ConfigLoader().load(path: config, mustExist: explicit) } catch {
            throw UserError("\(error)")
        }
        if let db { c.database = db }
        return c
    }

    func clock(_ config: TepaiConfig) throws -> TepaiClock {
        guard let now else { return TepaiClock(timeZone: config.timezone) }
        guard let pinned = LocalDateTime(now) else { throw UserError("--now \"\(now)\" is not YYYY-MM-DD or YYYY-MM-DDTHH:MM") }
        return TepaiClock(timeZone: config.timezone, pinned: pinned)
    }

    /// The configured backend: a `postgres://` URL opens the shared PostgreSQL store (connected and migrated
    /// on first use), anything else a SQLite file. Errors show the URL with its password masked.
    func openStore(_ config: TepaiConfig, logger: Logger = .cli()) throws -> any TepaiDatabase {
        if PostgresURL.isPostgres(config.database) {
            do { return try PostgresStore(url: config.database, logger: logger) } catch { throw UserError("\(error)") }
        }
        return try SQLiteStore(path: config.database)
    }

    func answerService(_ config: TepaiConfig, store: any ContentStore, logger: Logger, tuning: RankingTuning = RankingTuning()) async throws -> AnswerService {
        let lexicon: Lexicon
        do { lexicon = try Lexicon.load(path: config.lexiconPath) } catch { throw UserError("\(error)") }
        let templates: TemplateSet
        do { templates = try TemplateSet(directory: config.templatesPath, overrides: config.templateOverridesPath) } catch {
            throw UserError("\(error)")
        }
        let analyzer = QueryAnalyzer(lexicon: lexicon, regions: config.regionCatalog, pinyin: PinyinTable())
        return try await AnswerService(
            store: store, analyzer: analyzer, renderer: AnswerRenderer(templates: templates, contact: config.contact),
            clock: try clock(config), logger: logger, tuning: tuning, cacheCapacity: config.answerCacheSize)
    }
}

extension GlobalOptions {
    /// The configured channels with the runtime switches stored in the database laid over them.
    func channelDirectory(_ config: TepaiConfig) async throws -> ChannelDirectory {
        ChannelDirectory(config.channels, overrides: try await openStore(config).makeChannelSwitches().all())
    }

    /// The templates (with overrides) and the digest composer on them; a broken or missing template is a
    /// user error naming its file and line.
    func digestTemplates(_ config: TepaiConfig) throws -> (templates: TemplateSet, composer: DigestComposer) {
        do {
            let templates = try TemplateSet(directory: config.templatesPath, overrides: config.templateOverridesPath)
            return (templates, try DigestComposer(templates: templates, timeZone: config.timezone))
        } catch { throw UserError("\(error)") }
    }
}

/// Bad input or configuration: printed as is, exit code 1.
struct UserError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum Output {
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("tepai: " + message + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }
}

extension RankingTuning {
    /// The default constants with `--tune NAME=VALUE` overrides applied (eval, query and bench search take them).
    init(overrides: [String]) throws {
        self.init()
        if let bad = apply(overrides) { throw UserError("--tune \(bad): expected NAME=VALUE with a known name") }
    }
}

extension Logger {
    static func cli(_ label: String = "tepai") -> Logger {
        var l = Logger(label: label)
        l.logLevel = ProcessInfo.processInfo.environment["TEPAI_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return l
    }
}
