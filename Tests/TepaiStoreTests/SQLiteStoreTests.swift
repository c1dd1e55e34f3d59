import Foundation
import GRDB
import Testing
import TepaiCore
@testable import TepaiStore

@Suite struct SQLiteStoreTests {
    static func tempPath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-store-\(UUID().uuidString)")
        return dir.appendingPathComponent("t.sqlite").path
    }

    static func entry(_ id: String, title: String = "技术合同怎么登记") -> Entry {
        Entry(id: id, kind: .faq, title: title, body: "到市技术合同登记站办理。", tags: ["技术合同"], region: "市级",
              date: LocalDate("2026-03-01"), aliases: ["技术合同在哪登记"])
    }

    @Test func upsertCountsAddedUpdatedUnchanged() async throws {
        let store = try SQLiteStore(path: Self.tempPath())
        #expect(try await store.upsert([Self.entry("a"), Self.entry("b")]) == UpsertCounts(added: 2))
        let r1 = try await store.revision()
        #expect(try await store.upsert([Self.entry("a"), Self.entry("b", title: "改了")]) == UpsertCounts(updated: 1, unchanged: 1))
        #expect(try await store.revision() == r1 + 1)
        #expect(try await store.upsert([Self.entry("a")]) == UpsertCounts(unchanged: 1))
        #expect(try await store.revision() == r1 + 1)
        #expect(try await store.entry(id: "b")?.title == "改了")
        #expect(try await store.count() == 2)
    }

    @Test func entriesRoundTripEveryField() async throws {
        let store = try SQLiteStore(path: Self.tempPath())
        let e = Entry(id: "t", kind: .training, title: "迁西县培训", body: "内容", tags: ["培训", "果树"], region: "迁西县",
                      date: LocalDate("2026-12-08"), url: "https://kjj.example.gov.cn/t", aliases: ["迁西培训"],
                      startsAt: LocalDateTime("2026-12-08T09:00"), endsAt: LocalDateTime("2026-12-08T11:30"),
                      deadline: LocalDateTime("2026-12-05"), venue: "县科技局三楼", audience: "果农", format: "线下")
        _ = try await store.upsert([e])
        #expect(try await store.entry(id: "t") == e)
    }

    @Test func deleteReportsWhetherSomethingWasDeleted() async throws {
        let store = try SQLiteStore(path: Self.tempPath())
        _ = try await store.upsert([Self.entry("a")])
        #expect(try await store.delete(id: "a"))
        #expect(try await !store.delete(id: "a"))
        #expect(try await store.count() == 0)
    }

    @Test func aFailureMidBatchRollsBackTheWholeBatch() async throws {
        let store = try SQLiteStore(path: Self.tempPath())
        _ = try await store.upsert([Self.entry("keep")])
        let before = try await store.revision()
        // Make the database itself refuse one record in the middle of the batch.
        try await store.pool.write { db in
            try db.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON entries WHEN NEW.id = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END")
        }
        await #expect(throws: (any Error).self) {
            _ = try await store.upsert([Self.entry("x1"), Self.entry("bad"), Self.entry("x2")])
        }
        #expect(try await store.allEntries().map(\.id) == ["keep"])
        #expect(try await store.revision() == before)
    }

    @Test func reopeningKeepsDataAndSchema() async throws {
        let path = Self.tempPath()
        do {
            let store = try SQLiteStore(path: path)
            _ = try await store.upsert([Self.entry("a")])
        }
        let again = try SQLiteStore(path: path)
        #expect(try await again.count() == 1)
    }
}
