import Foundation
import GRDB
import Testing
@testable import TepaiStore

/// The SQLite delivery log has no channel index (migration v8): the dashboard's per-channel view reads the
/// newest attempts backwards, within a bounded window.
@Suite struct DeliveryLogWindowTests {
    func store() throws -> (SQLiteStore, SQLiteOutbox) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-log-\(UUID().uuidString).sqlite").path
        let store = try SQLiteStore(path: path)
        return (store, SQLiteOutbox(store: store))
    }

    /// Attempts for channels a, b, a, b, … then c, one message each, all delivered.
    func fill(_ outbox: SQLiteOutbox, _ channels: [String]) async throws {
        try await outbox.enqueue(channels.enumerated().map { i, c in
            OutboxMessage(idempotencyKey: "k\(i)", channel: c, title: "t", content: "c", url: nil, part: 1, parts: 1, now: 1000)
        })
        let claimed = try await outbox.claim(limit: channels.count, now: 1000)
        try await outbox.recordAll(claimed.map { ($0, .delivered, 1) }, now: 1001)
    }

    @Test func aChannelOutsideTheWindowShowsNothingAndTheOthersTheirNewest() async throws {
        let (_, outbox) = try store()
        try await fill(outbox, ["c"] + Array(repeating: ["a", "b"], count: 5).flatMap { $0 })
        // Window 10: the newest ten attempts are a/b; c's one attempt (the oldest) lies outside.
        let near = try await outbox.recentDeliveries(channels: ["a", "b", "c"], perChannel: 3, window: 10)
        #expect(near["a"]?.count == 3 && near["b"]?.count == 3 && near["c"]?.isEmpty == true)
        #expect(near["a"].map { $0.map(\.outboxID) == [6, 8, 10] } == true)
        // A window over the whole log finds it.
        let all = try await outbox.recentDeliveries(channels: ["c"], perChannel: 3, window: 11)
        #expect(all["c"]?.map(\.outboxID) == [1])
    }

    @Test func theLogHasNoChannelIndexAndPendingMessagesTheirOwnAfterMigration() async throws {
        let (store, _) = try store()
        let indexes = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM pragma_index_list('delivery_log')") }
        #expect(!indexes.contains("delivery_log_channel"))
        let outboxIndexes = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM pragma_index_list('outbox')") }
        #expect(outboxIndexes.contains("outbox_pending") && !outboxIndexes.contains("outbox_due"))
        // Claims and the next wake-up still find due messages through the partial index, not a table scan.
        let plans = try await store.pool.read { db in
            try ["SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= 5 AND channel NOT IN ('x') ORDER BY next_attempt_at, id LIMIT 10",
                 "SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'"].map { sql in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)").map { $0["detail"] as String? ?? "" }.joined(separator: " ")
            }
        }
        #expect(plans.allSatisfy { $0.contains("USING INDEX outbox_pending") && !$0.contains("TEMP B-TREE") }, "\(plans)")
    }

    /// v10 copies the outbox and the log into tables without AUTOINCREMENT: every row and id survives, and the
    /// next message and attempt continue after the highest id.
    @Test func theRowidMigrationKeepsEveryRowAndId() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-v10-\(UUID().uuidString).sqlite").path
        let queue = try DatabaseQueue(path: path)
        try await Migrations.migrator.migrate(queue, upTo: "v9-outbox-pending-index")
        try await queue.write { db in
            for (id, status) in [(3, "delivered"), (7, "pending"), (9, "dead")] {
                try db.execute(sql: """
                    INSERT INTO outbox(id, idempotency_key, channel, title, content, url, part, parts, status, attempts,
                                       next_attempt_at, created_at, last_error)
                    VALUES (?, ?, 'c', '标题', '内容', NULL, 1, 1, ?, 1, 100, 50, ?)
                    """, arguments: [id, "k\(id)", status, status == "dead" ? "93000: invalid webhook" : nil])
                try db.execute(sql: "INSERT INTO delivery_log(id, outbox_id, channel, at, outcome, code) VALUES (?, ?, 'c', 60, ?, 0)",
                               arguments: [id * 10, id, status])
            }
        }
        try queue.close()
        let store = try SQLiteStore(path: path)
        let outbox = SQLiteOutbox(store: store)
        let schema = try await store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE name IN ('outbox', 'delivery_log')").joined()
        }
        #expect(!schema.uppercased().contains("AUTOINCREMENT"))
        #expect(try await outbox.counts() == [.delivered: 1, .pending: 1, .dead: 1])
        let kept = try await outbox.messages(keys: ["k3", "k7", "k9"])
        #expect(kept.map { $0.id ?? 0 } == [3, 7, 9] && kept.last?.lastError == "93000: invalid webhook" && kept.first?.title == "标题")
        #expect(try await outbox.deliveryLog().map(\.id) == [30, 70, 90])
        try await outbox.enqueue([OutboxMessage(idempotencyKey: "new", channel: "c", title: "t", content: "x", url: nil, part: 1, parts: 1, now: 200)])
        #expect(try await outbox.messages(keys: ["new"]).first?.id == 10)
        let claimed = try await outbox.claim(limit: 5, now: 300, held: [])
        #expect(claimed.map(\.idempotencyKey) == ["k7", "new"])
        try await outbox.recordAll(claimed.map { ($0, AttemptResult.delivered, 1.0) }, now: 301)
        #expect(try await outbox.deliveryLog().map(\.id).suffix(2) == [91, 92])
    }
}
