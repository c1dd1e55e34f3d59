import Foundation
import GRDB

/// Runtime on/off switches of channels, kept in the store so they survive a restart and a reload.
public struct ChannelSwitches: ChannelSwitchStore {
    let pool: DatabasePool

    public init(store: SQLiteStore) {
        pool = store.pool
    }

    /// Every switch, by channel name.
    public func all() async throws -> [String: Bool] {
        try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT channel, enabled FROM channel_switches")
            return Dictionary(rows.map { ($0["channel"] as String, $0["enabled"] as Bool) }, uniquingKeysWith: { a, _ in a })
        }
    }

    public func set(_ channel: String, enabled: Bool, now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO channel_switches(channel, enabled, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(channel) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at
                """, arguments: [channel, enabled, now.timeIntervalSince1970])
        }
    }
}
