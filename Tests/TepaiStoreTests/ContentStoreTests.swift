import Foundation
import GRDB
import Testing
import TepaiCore
@testable import TepaiPostgres
@testable import TepaiStore

/// The entries store, on SQLite and on PostgreSQL: the same calls must give the same results.
@Suite struct ContentStoreTests {
    static func entry(_ id: String, title: String = "技术合同怎么登记") -> Entry {
        Entry(id: id, kind: .faq, title: title, body: "到市技术合同登记站办理。", tags: ["技术合同"], region: "市级",
              date: LocalDate("2026-03-01"), aliases: ["技术合同在哪登记"])
    }

    @Test(arguments: Backend.allCases) func upsertCountsAddedUpdatedUnchanged(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let store = try await db.open()
        #expect(try await store.upsert([Self.entry("a"), Self.entry("b")]) == UpsertCounts(added: 2))
        let r1 = try await store.revision()
        #expect(try await store.upsert([Self.entry("a"), Self.entry("b", title: "改了")]) == UpsertCounts(updated: 1, unchanged: 1))
        #expect(try await store.revision() == r1 + 1)
        #expect(try await store.upsert([Self.entry("a")]) == UpsertCounts(unchanged: 1))
        #expect(try await store.revision() == r1 + 1)
        #expect(try await store.entry(id: "b")?.title == "改了")
        #expect(try await store.count() == 2)
    }

    @Test(arguments: Backend.allCases) func entriesRoundTripEveryField(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let store = try await db.open()
        let e = Entry(id: "t", kind: .training, title: "迁西县培训", body: "内容\n第二行 \"引号\" \\", tags: ["培训", "果树"], region: "迁西县",
                      date: LocalDate("2026-12-08"), url: "https://kjj.example.gov.cn/t", aliases: ["迁西培训"],
                      startsAt: LocalDateTime("2026-12-08T09:00"), endsAt: LocalDateTime("2026-12-08T11:30"),
                      deadline: LocalDateTime("2026-12-05"), venue: "县科技局三楼", audience: "果农", format: "线下")
        _ = try await store.upsert([e, Self.entry("bare")])
        #expect(try await store.entry(id: "t") == e)
        #expect(try await store.entry(id: "bare") == Self.entry("bare"))
        #expect(try await store.entry(id: "none") == nil)
    }

    /// Byte order, as SQLite sorts: the search index is built from this list on both backends.
    @Test(arguments: Backend.allCases) func allEntriesComeInByteOrderOfID(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let store = try await db.open()
        let ids = ["b-2", "B-1", "a_1", "a-1", "政策-1", "Z"]
        _ = try await store.upsert(ids.map { Self.entry($0) })
        #expect(try await store.allEntries().map(\.id) == ids.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }

    @Test(arguments: Backend.allCases) func deleteReportsWhetherSomethingWasDeleted(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let store = try await db.open()
        _ = try await store.upsert([Self.entry("a")])
        let before = try await store.revision()
        #expect(try await store.delete(id: "a"))
        #expect(try await !store.delete(id: "a"))
        #expect(try await store.count() == 0)
        #expect(try await store.revision() == before + 1)
    }

    @Test(arguments: Backend.allCases) func aFailureMidBatchRollsBackTheWholeBatch(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let store = try await db.open()
        _ = try await store.upsert([Self.entry("keep")])
        let before = try await store.revision()
        // Make the database itself refuse one record in the middle of the batch.
        switch store {
        case let sqlite as SQLiteStore:
            try await sqlite.pool.write { db in
                try db.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON entries WHEN NEW.id = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END")
            }
        case let pg as PostgresStore:
            try await pg.execute("""
                CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.id = 'bad' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$
                """)
            try await pg.execute("CREATE TRIGGER refuse BEFORE INSERT ON entries FOR EACH ROW EXECUTE FUNCTION refuse()")
        default:
            Issue.record("unknown backend \(type(of: store))")
        }
        await #expect(throws: (any Error).self) {
            _ = try await store.upsert([Self.entry("x1"), Self.entry("bad"), Self.entry("x2")])
        }
        #expect(try await store.allEntries().map(\.id) == ["keep"])
        #expect(try await store.revision() == before)
    }

    @Test(arguments: Backend.allCases) func reopeningKeepsDataAndSchema(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        do {
            let store = try await db.open()
            _ = try await store.upsert([Self.entry("a")])
        }
        let again = try await db.open()
        #expect(try await again.count() == 1)
    }
}
