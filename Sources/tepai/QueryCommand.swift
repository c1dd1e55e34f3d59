import ArgumentParser
import Foundation
import TepaiCore
import TepaiSearch
import TepaiServer

struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query", abstract: "Answer one question, or one per line with --batch.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The question, as asked in a group.")
    var text: String?

    @Option(help: "A file with one question per line (- for standard input); prints one JSON object per line.")
    var batch: String?

    @Flag(help: "Print the JSON object of the contract instead of the reply text.")
    var json = false

    @Flag(help: "Also print how the question was read and why it was declined.")
    var explain = false

    @Option(help: "How many results to return.")
    var limit = 3

    @Option(help: "Override a ranking constant, NAME=VALUE (repeatable; to see what a change to the constants does to one question).")
    var tune: [String] = []

    func validate() throws {
        if (text == nil) == (batch == nil) { throw ValidationError("give either a question or --batch FILE") }
        if limit < 1 || limit > 50 { throw ValidationError("--limit must be 1–50") }
    }

    func run() async throws {
        let config = try global.loadConfig()
        let store = try global.openStore(config)
        let tuning = try RankingTuning(overrides: tune)
        let service = try await global.answerService(config, store: store, logger: .cli(), tuning: tuning)
        if let batch {
            let lines: [String]
            if batch == "-" {
                var read: [String] = []
                while let line = readLine() { read.append(line) }
                lines = read
            } else {
                guard let content = try? String(contentsOfFile: batch, encoding: .utf8) else { throw UserError("\(batch): cannot read the file") }
                lines = content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    .dropLast(content.hasSuffix("\n") ? 1 : 0)
            }
            for line in lines {
                print(try Output.json(try await service.answer(line.trimmingCharacters(in: .whitespaces), limit: limit)))
            }
            return
        }
        let question = text ?? ""
        let response = try await service.answer(question, limit: limit)
        if json { print(try Output.json(response)) } else { print(response.answer) }
        if explain {
            let outcome = try await service.search(question, limit: limit)
            let a = outcome.analyzed
            var lines = ["normalised: \(a.normalized)", "units: \(a.units.map { $0.role == .topic ? $0.text : "(\($0.text))" }.joined(separator: " "))"]
            if let r = a.slots.region { lines.append("region: \(r)") }
            if let d = a.slots.dateRange { lines.append("time: \(d)") }
            if !a.slots.kinds.isEmpty { lines.append("kinds: \(a.slots.kinds.map(\.rawValue).sorted().joined(separator: ", "))") }
            if !a.slots.intents.isEmpty { lines.append("intents: \(a.slots.intents.sorted().joined(separator: ", "))") }
            if !a.corrections.isEmpty { lines.append("corrections: \(a.corrections.joined(separator: " "))") }
            if !a.elsewhere.isEmpty { lines.append("elsewhere: \(a.elsewhere.map { "\($0.word) (\($0.agency))" }.joined(separator: ", "))") }
            for h in outcome.hits { lines.append(String(format: "%.3f cov %.2f  %@  %@", h.score, h.coverage, h.entry.id, h.entry.title)) }
            if let reason = outcome.declineReason { lines.append("declined: \(reason)") }
            Output.error(lines.joined(separator: "\n"))
        }
    }
}
