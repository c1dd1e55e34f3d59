import Foundation
import Testing
import TepaiPostgres

/// The same corpus and questions give the same answers on PostgreSQL and SQLite: the seed entries imported
/// into both, every labeled question of the seed sets asked through `tepai query --batch --json` and scored
/// by `tepai eval`, on a fixed clock.
@Suite(.serialized) struct BackendParityTests {
    static let querySets = ["a-dev", "a-heldout", "b-dev", "b-heldout", "c-dev"].map { "seeds/queries/\($0).json" }

    @Test func seedQuestionsGetTheSameAnswersOnBothBackends() async throws {
        guard let url = try await PostgresServer.freshDatabase() else { return }
        let dir = try CLI.tempDir()
        let sqlite = dir.appendingPathComponent("t.sqlite").path
        let postgres = ReplicaTests.text(url)
        for db in [sqlite, postgres] {
            let run = try await CLI.run(["import", "seeds/entries/a.json", "seeds/entries/b.json", "--db", db])
            #expect(run.status == 0, "\(run.stderr)")
        }
        var questions: [String] = []
        for set in Self.querySets {
            let data = try Data(contentsOf: CLI.root.appendingPathComponent(set))
            let items = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
            questions += items.compactMap { $0["q"] as? String }
        }
        #expect(questions.count > 300)
        let file = dir.appendingPathComponent("questions.txt")
        try questions.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)

        // Scores are sums over hashed collections, so their last digit depends on the per-process hash seed
        // (two SQLite runs differ there too): the children hash deterministically, so that only the backend differs.
        setenv("SWIFT_DETERMINISTIC_HASHING", "1", 1)
        let ask = { (db: String) in try await CLI.run(["query", "--batch", file.path, "--json", "--now", "2026-11-23", "--db", db]) }
        let (a, b) = (try await ask(sqlite), try await ask(postgres))
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        let (linesA, linesB) = (a.stdout.split(separator: "\n"), b.stdout.split(separator: "\n"))
        #expect(linesA.count == questions.count && linesB.count == questions.count)
        let differing = zip(linesA, linesB).enumerated().filter { $0.element.0 != $0.element.1 }
        #expect(differing.isEmpty, "\(differing.count) answers differ; first: \(differing.first.map { "\(questions[$0.offset]): \($0.element.0) vs \($0.element.1)" } ?? "")")

        let score = { (db: String) in
            try await CLI.run(["eval", "--now", "2026-11-23", "--db", db] + Self.querySets.flatMap { ["--queries", $0] })
        }
        let (ea, eb) = (try await score(sqlite), try await score(postgres))
        #expect(ea.status == 0 && !ea.stdout.isEmpty, "\(ea.stderr)")
        #expect(ea.stdout == eb.stdout, "eval differs:\n\(ea.stdout)\nvs\n\(eb.stdout)")
        print("parity test: \(questions.count) questions, identical JSON answers and eval on SQLite and PostgreSQL")
    }
}
