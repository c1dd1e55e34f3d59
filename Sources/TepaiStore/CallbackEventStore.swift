import Foundation
import GRDB

/// The events inbound callbacks have already handled, keyed by platform and event id ("feishu:EVENT_ID").
/// Inserting in a transaction decides who is first, so two deliveries of one event, on one replica or two
/// sharing the database, are answered once; a restart keeps the memory. Rows are kept for `retention`.
public final class CallbackEventStore: CallbackEventStoring {
    /// Feishu retries an unacknowledged event for a few hours; a week covers that with room to spare.
    public static let retention: TimeInterval = 7 * 86_400

    let pool: DatabasePool

    public init(store: SQLiteStore) {
        pool = store.pool
    }

    /// Records the event; true when this is the first time its key is seen. A new row also prunes the rows
    /// older than the retention window (an indexed range delete, usually of nothing).
    public func recordFirst(_ key: String, now: Date) async throws -> Bool {
        let at = now.timeIntervalSince1970
        return try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO callback_events(event_key, received_at) VALUES (?, ?)", arguments: [key, at])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "DELETE FROM callback_events WHERE received_at < ?", arguments: [at - Self.retention])
            return true
        }
    }

    /// How many events are remembered (tests and diagnostics).
    public func count() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM callback_events") ?? 0 }
    }
}
