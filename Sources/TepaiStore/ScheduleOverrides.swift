import Foundation
import GRDB

/// Cron expressions an administrator changed in the web console, kept in the store so they survive a
/// restart and a reload. Each one replaces the configured `cron` of the job with that name; the scheduler
/// reads them at every check, so a change applies to the running daemon within its next check (≤ 1 minute).
public struct ScheduleOverrides: ScheduleOverrideStore {
    let pool: DatabasePool

    public init(store: SQLiteStore) {
        pool = store.pool
    }

    /// Every override, by job name: the cron text as the administrator entered it.
    public func all() async throws -> [String: String] {
        try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT job, cron FROM schedule_overrides")
            return Dictionary(rows.map { ($0["job"] as String, $0["cron"] as String) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// Stores the job's new cron and, in the same transaction, moves the job's last slot to `now`, so the new
    /// expression counts from the moment of the change: no slot of it that lies in the past fires as a
    /// "missed" run.
    public func set(job: String, cron: String, now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO schedule_overrides(job, cron, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(job) DO UPDATE SET cron = excluded.cron, updated_at = excluded.updated_at
                """, arguments: [job, cron, now.timeIntervalSince1970])
            try db.execute(sql: """
                INSERT INTO schedule_state(job, last_slot) VALUES (?, ?)
                ON CONFLICT(job) DO UPDATE SET last_slot = MAX(last_slot, excluded.last_slot)
                """, arguments: [job, now.timeIntervalSince1970])
        }
    }

    /// Drops the override: the job follows the configuration again.
    public func remove(job: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM schedule_overrides WHERE job = ?", arguments: [job])
        }
    }
}
