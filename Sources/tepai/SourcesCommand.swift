import ArgumentParser
import Foundation
import Logging
import TepaiCore
import TepaiDelivery
import TepaiSources
import TepaiStore

struct SourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources", abstract: "Show the watched folders and feeds, or poll them once.",
        subcommands: [List.self, Poll.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per source with its last poll.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let config = try global.loadConfig()
            if config.sources.isEmpty {
                print("no sources configured (see \"sources\" in the configuration)")
                return
            }
            let states = try await SourcesCommand.stateStore(global, config).allStates()
            let stamp = ISO8601DateFormatter()
            stamp.timeZone = config.timezone
            for s in config.sources {
                let st = states.first { $0.source == s.name }
                var fields = [s.name, s.type.rawValue, s.location, "every \(s.intervalSeconds)s"]
                if s.type.isFeed { fields += ["kind=\(s.kind.rawValue)", "region=\(s.region)", "tags=\(s.tags.joined(separator: ","))"] }
                fields.append("last poll: \(st?.lastPollAt.map { stamp.string(from: $0) } ?? "never")")
                if let st, st.lastPollAt != nil { fields.append("\(st.itemCount) item(s)") }
                if let error = st?.lastError { fields.append("last error: \(error)") }
                print(fields.joined(separator: "\t"))
            }
        }
    }

    struct Poll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Poll each named source (all when none is named) once: new, changed, unchanged, skipped (with reasons), 304; exit 1 if a source failed.")
        @OptionGroup var global: GlobalOptions
        @Argument var names: [String] = []

        func run() async throws {
            let config = try global.loadConfig()
            let unknown = names.filter { n in !config.sources.contains { $0.name == n } }
            if !unknown.isEmpty { throw UserError("no source named \(unknown.joined(separator: ", ")); see tepai sources list") }
            let chosen = names.isEmpty ? config.sources : config.sources.filter { names.contains($0.name) }
            if chosen.isEmpty {
                print("no sources configured (see \"sources\" in the configuration)")
                return
            }
            let store = try global.openStore(config)
            let poller = SourcePoller(
                sources: chosen, store: store, state: store.makeSourceState(), fetcher: FeedFetcher(transport: CurlTransport(options: TransportOptions(proxyFrom: config))),
                validator: EntryValidator(knownRegions: config.knownRegions, strict: config.strictImport),
                timeZone: config.timezone, logger: .cli())
            var failed = false
            for report in await poller.pollAll() {
                print(report.summary)
                for s in report.skipped { print("  skipped \(s)") }
                if report.error != nil { failed = true }
            }
            if failed { throw ExitCode(1) }
        }
    }

    static func stateStore(_ global: GlobalOptions, _ config: TepaiConfig) throws -> any SourceStateStoring {
        try global.openStore(config).makeSourceState()
    }
}
