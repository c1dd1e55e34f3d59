import ArgumentParser
import Foundation
import TepaiCore
import TepaiSearch

/// Measures the answering engine alone: index build and per-question latency over an entry file, in memory.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks (see BENCHMARKS.md).", subcommands: [Search.self, BenchDeliverCommand.self, BenchDigestCommand.self])

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Index build time and per-query latency (p50/p99) over a corpus, printed as one JSON line.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Entry file (JSON, JSON Lines or YAML).") var corpus: String
        @Option(help: "Questions, one per line.") var queries: String
        @Option(help: "Untimed warm-up questions.") var warmup = 20
        @Option(help: "Override a ranking constant, NAME=VALUE (repeatable).") var tune: [String] = []
        @Option(help: "Also print the N slowest questions with their times to standard error.") var slowest = 0

        func run() async throws {
            let config = try global.loadConfig()
            let batch = try EntryBatchReader(validator: EntryValidator(knownRegions: config.knownRegions)).read(paths: [corpus])
            guard let text = try? String(contentsOfFile: queries, encoding: .utf8) else { throw UserError("\(queries): cannot read") }
            let questions = text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            let lexicon: Lexicon
            do { lexicon = try Lexicon.load(path: config.lexiconPath) } catch { throw UserError("\(error)") }
            let clock = ContinuousClock()
            let buildStart = clock.now
            let index = SearchIndex(entries: batch.entries)
            let build = clock.now - buildStart
            let tuning = try RankingTuning(overrides: tune)
            let engine = QueryEngine(index: index, analyzer: QueryAnalyzer(lexicon: lexicon, regions: config.regionCatalog, pinyin: PinyinTable()), tuning: tuning)
            let today = try global.clock(config).today()
            for q in questions.prefix(warmup) { _ = engine.search(q, today: today) }
            var times: [Double] = []
            var declined = 0
            for q in questions {
                let start = clock.now
                let outcome = engine.search(q, today: today, limit: 5)
                times.append((clock.now - start).seconds * 1000)
                if outcome.declined { declined += 1 }
            }
            for (ms, q) in zip(times, questions).sorted(by: { $0.0 > $1.0 }).prefix(slowest) {
                FileHandle.standardError.write(Data("\(String(format: "%.3f", ms)) ms  \(q)\n".utf8))
            }
            times.sort()
            func pct(_ p: Double) -> Double { times.isEmpty ? 0 : times[min(times.count - 1, Int(Double(times.count) * p))] }
            let row: [String: String] = [
                "engine": "tepai", "docs": "\(batch.entries.count)", "queries": "\(times.count)",
                "build_s": String(format: "%.3f", build.seconds), "p50_ms": String(format: "%.3f", pct(0.5)),
                "p99_ms": String(format: "%.3f", pct(0.99)), "mean_ms": String(format: "%.3f", times.reduce(0, +) / Double(max(times.count, 1))),
                "declined": "\(declined)", "rss_mb": "\(residentMegabytes())",
            ]
            print(try Output.json(row))
        }

        func residentMegabytes() -> Int {
            guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                  let kb = Int(line.split(separator: " ").dropFirst().first { !$0.isEmpty } ?? "") else { return 0 }
            return kb / 1024
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
