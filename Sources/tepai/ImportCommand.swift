import ArgumentParser
import Foundation
import TepaiCore
import TepaiStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import entries from JSON, JSON Lines or YAML files: all or nothing, upsert by id.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Entry files (.json, .jsonl, .yaml).")
    var files: [String]

    @Flag(help: "Treat unknown fields as errors instead of warnings.")
    var strict = false

    @Flag(help: "Check the files and report what would be imported; write nothing.")
    var dryRun = false

    func run() async throws {
        let config = try global.loadConfig()
        let started = Date()
        let progress = Output.stderrIsTerminal
        if progress { Output.error("reading \(files.count) file(s)…") }
        let reader = EntryBatchReader(validator: EntryValidator(knownRegions: config.knownRegions, strict: strict || config.strictImport))
        // Everything is parsed and validated before the database is opened: a bad record writes nothing.
        let batch = try reader.read(paths: files)
        for w in batch.warnings.prefix(20) { Output.error("warning: \(w)") }
        if batch.warnings.count > 20 { Output.error("warning: … and \(batch.warnings.count - 20) more") }
        if progress { Output.error("validated \(batch.entries.count) entries in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; writing…") }
        if dryRun {
            print("checked \(batch.entries.count) entries: no errors (\(String(format: "%.2f", Date().timeIntervalSince(started))) s); nothing written")
            return
        }
        let store = try global.openStore(config)
        let counts = try await store.upsert(batch.entries)
        print("imported \(batch.entries.count) entries: \(counts.added) added, \(counts.updated) updated, \(counts.unchanged) unchanged (\(String(format: "%.2f", Date().timeIntervalSince(started))) s)")
    }
}
