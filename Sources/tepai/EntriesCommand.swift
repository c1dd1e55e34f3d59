import ArgumentParser
import Foundation
import TepaiCore
import TepaiStore

struct EntriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entries", abstract: "List, show or delete stored entries.",
        subcommands: [List.self, Show.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per entry: id, kind, region, date, title.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this kind.") var kind: String?
        @Flag(help: "JSON Lines in the entry schema.") var json = false

        func run() async throws {
            let store = try global.openStore(try global.loadConfig())
            var entries = try await store.allEntries()
            if let kind {
                guard let k = EntryKind(rawValue: kind) else { throw UserError("--kind \(kind): not one of \(EntryKind.allCases.map(\.rawValue).joined(separator: ", "))") }
                entries = entries.filter { $0.kind == k }
            }
            for e in entries {
                if json { print(try Output.json(e)) } else {
                    print([e.id, e.kind.rawValue, e.region.isEmpty ? "全国" : e.region, e.date?.description ?? "-", e.title].joined(separator: "\t"))
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one entry as JSON.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() async throws {
            let store = try global.openStore(try global.loadConfig())
            guard let e = try await store.entry(id: id) else { throw UserError("no entry with id \"\(id)\"") }
            print(try Output.json(e))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete entries by id.")
        @OptionGroup var global: GlobalOptions
        @Argument var ids: [String]

        func run() async throws {
            let store = try global.openStore(try global.loadConfig())
            var missing: [String] = []
            for id in ids where !(try await store.delete(id: id)) { missing.append(id) }
            print("deleted \(ids.count - missing.count) entries")
            if !missing.isEmpty { throw UserError("no entry with id: \(missing.joined(separator: ", "))") }
        }
    }
}
