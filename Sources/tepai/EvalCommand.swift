import ArgumentParser
import Foundation
import TepaiCore
import TepaiSearch
import TepaiServer

/// Scores the answerer on a labeled set `[{"q", "relevant": [ids], "type"}]`.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Per-type MRR@5, Recall@1, Strict@1, false-decline and none-decline on a labeled query set.",
        discussion: """
            Recall@1: the top result is one of the relevant ids. Strict@1: it is the first (best) relevant id.
            MRR@5: mean reciprocal rank of the first relevant id in the top 5 (0 when declined).
            false-decline: share of answerable questions declined. none-decline: share of type "none" declined.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Labeled query file(s) (JSON array).")
    var queries: [String]

    @Flag(help: "Print each miss.")
    var misses = false

    @Option(help: "Write one JSON line per question with the decline features (for tuning thresholds).")
    var trace: String?

    @Flag(help: "With --trace: add each question's candidates and their features (for fitting the answer order).")
    var candidates = false

    @Option(help: "Override the minimum coverage below which the bot declines (for tuning).")
    var minCoverage: Float?

    @Option(help: "Override a ranking constant, NAME=VALUE (repeatable; for tuning on the dev set).")
    var tune: [String] = []

    struct Labeled: Decodable {
        var q: String
        var relevant: [String]
        var type: String
    }

    struct Tally {
        var n = 0, rr = 0.0, r1 = 0, s1 = 0, declined = 0
    }

    func run() async throws {
        let config = try global.loadConfig()
        let store = try global.openStore(config)
        var tuning = try RankingTuning(overrides: tune)
        if let minCoverage {
            tuning.minCoverage = minCoverage
            tuning.minCoverageWithPhrase = minCoverage
        }
        let service = try await global.answerService(config, store: store, logger: .cli(), tuning: tuning)
        var traceLines: [String] = []
        var labeled: [Labeled] = []
        for file in queries {
            guard let data = FileManager.default.contents(atPath: file) else { throw UserError("\(file): cannot read the file") }
            do { labeled += try JSONDecoder().decode([Labeled].self, from: data) } catch {
                throw UserError("\(file): not a JSON array of {q, relevant, type}: \(error)")
            }
        }
        var tallies: [String: Tally] = [:]
        for item in labeled {
            let outcome = try await service.search(item.q, limit: 5)
            let ids = outcome.declined ? [] : outcome.hits.map(\.entry.id)
            var t = tallies[item.type, default: Tally()]
            t.n += 1
            if outcome.declined { t.declined += 1 }
            if let rank = ids.prefix(5).firstIndex(where: item.relevant.contains) { t.rr += 1 / Double(rank + 1) }
            if let first = ids.first, item.relevant.contains(first) { t.r1 += 1 }
            if let first = ids.first, first == item.relevant.first { t.s1 += 1 }
            tallies[item.type] = t
            if trace != nil {
                let top = outcome.hits.first
                // (declined outcomes keep their candidates, so the trace shows what the rule saw)
                let row: [String: String] = [
                    "q": item.q, "type": item.type, "declined": "\(outcome.declined)",
                    "top_ok": "\(top.map { item.relevant.contains($0.entry.id) } ?? false)",
                    "coverage": "\(top?.coverage ?? 0)", "score": "\(top?.score ?? 0)",
                    "head": "\(top?.headCoverage ?? 0)", "phrase": "\(top?.longestHeadMatch ?? 0)",
                    "second": "\(outcome.hits.dropFirst().first?.score ?? 0)",
                ]
                var line = try Output.json(row)
                if candidates {
                    let hits: [[String: String]] = outcome.hits.map { h in
                        ["id": h.entry.id, "kind": h.entry.kind.rawValue, "region": h.entry.region, "title": h.entry.title,
                         "aliases": h.entry.aliases.joined(separator: "|"), "tags": h.entry.tags.joined(separator: "|"),
                         "score": "\(h.score)", "answer": "\(h.answerScore)", "cov": "\(h.coverage)", "head": "\(h.headCoverage)",
                         "ended": "\(h.ended)", "ok": "\(item.relevant.contains(h.entry.id))"]
                    }
                    let extra: [String: String] = [
                        "intents": outcome.analyzed.slots.intents.sorted().joined(separator: "|"),
                        "units": outcome.analyzed.units.map { "\($0.text):\($0.role == .topic ? "t" : "h")" }.joined(separator: "|"),
                        "region": outcome.analyzed.slots.region ?? "", "normalized": outcome.analyzed.normalized,
                        "hits": String(decoding: try JSONSerialization.data(withJSONObject: hits), as: UTF8.self),
                    ]
                    line = try Output.json(row.merging(extra) { a, _ in a })
                }
                traceLines.append(line)
            }
            let correct = item.relevant.isEmpty ? outcome.declined : ids.first.map(item.relevant.contains) ?? false
            if misses && !correct {
                let got = outcome.declined ? "DECLINED (\(outcome.declineReason ?? ""))" : ids.prefix(3).joined(separator: ", ")
                Output.error("miss [\(item.type)] \(item.q) → \(got); want \(item.relevant.joined(separator: ", "))")
            }
        }
        if let trace { try (traceLines.joined(separator: "\n") + "\n").write(toFile: trace, atomically: true, encoding: .utf8) }
        print(report(tallies))
    }

    func report(_ tallies: [String: Tally]) -> String {
        func pct(_ a: Int, _ n: Int) -> String { n == 0 ? "-" : String(format: "%.1f%%", 100 * Double(a) / Double(n)) }
        var rows = ["type          n   MRR@5  Recall@1  Strict@1  false-decl  none-decl"]
        var answerable = Tally()
        let order = ["exact", "colloquial", "abbreviation", "synonym", "typo", "mixed", "event"]
        let types = order.filter { tallies[$0] != nil } + tallies.keys.filter { !order.contains($0) && $0 != "none" }.sorted()
        func row(_ name: String, _ t: Tally) -> String {
            name.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%4d  %6.3f  %8@  %8@  %10@  %9@", t.n, t.n == 0 ? 0 : t.rr / Double(t.n),
                pct(t.r1, t.n), pct(t.s1, t.n), pct(t.declined, t.n), "-")
        }
        for type in types {
            guard let t = tallies[type] else { continue }
            rows.append(row(type, t))
            answerable.n += t.n; answerable.rr += t.rr; answerable.r1 += t.r1; answerable.s1 += t.s1; answerable.declined += t.declined
        }
        rows.append(row("answerable", answerable))
        if let none = tallies["none"] {
            rows.append("none".padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%4d  %6@  %8@  %8@  %10@  %9@", none.n, "-", "-", "-", "-", pct(none.declined, none.n)))
        }
        return rows.joined(separator: "\n")
    }
}
