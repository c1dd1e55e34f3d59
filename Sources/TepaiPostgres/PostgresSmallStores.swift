import Foundation
import PostgresNIO
import TepaiStore

/// Channel switches on PostgreSQL: every replica reads the same ones.
public struct PostgresChannelSwitches: ChannelSwitchStore {
    let store: PostgresStore

    public init(store: PostgresStore) { self.store = store }

    public func all() async throws -> [String: Bool] {
        let pool = try await store.ready()
        var out: [String: Bool] = [:]
        for row in try await pool.rows("SELECT channel, enabled FROM channel_switches") { out[try row.get("channel")] = try row.get("enabled") }
        return out
    }

    public func set(_ channel: String, enabled: Bool, now: Date) async throws {
        let pool = try await store.ready()
        _ = try await pool.rows("""
            INSERT INTO channel_switches(channel, enabled, updated_at) VALUES (\(channel), \(enabled), \(now.timeIntervalSince1970))
            ON CONFLICT (channel) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at
            """)
    }
}

/// Callback events seen by any replica: the insert's conflict decides which replica answers.
public struct PostgresCallbackEvents: CallbackEventStoring {
    let store: PostgresStore

    public init(store: PostgresStore) { self.store = store }

    public func recordFirst(_ key: String, now: Date) async throws -> Bool {
        let pool = try await store.ready()
        let at = now.timeIntervalSince1970
        let cutoff = at - CallbackEventStore.retention
        return try await pool.transaction { conn in
            let new = try await conn.rows("INSERT INTO callback_events(event_key, received_at) VALUES (\(key), \(at)) ON CONFLICT DO NOTHING RETURNING event_key",
                                          logger: pool.logger)
            guard !new.isEmpty else { return false }
            _ = try await conn.rows("DELETE FROM callback_events WHERE received_at < \(cutoff)", logger: pool.logger)
            return true
        }
    }

    public func count() async throws -> Int {
        let pool = try await store.ready()
        return try await pool.rows("SELECT COUNT(*) AS n FROM callback_events").first?.get("n", Int.self) ?? 0
    }
}

/// Content-source state on PostgreSQL.
public struct PostgresSourceState: SourceStateStoring {
    let store: PostgresStore

    public init(store: PostgresStore) { self.store = store }

    public func state(source: String) async throws -> SourceState? {
        let pool = try await store.ready()
        return try await pool.rows("SELECT * FROM source_state WHERE source = \(source)").first.map(Self.state)
    }

    public func allStates() async throws -> [SourceState] {
        let pool = try await store.ready()
        return try await pool.rows("SELECT * FROM source_state ORDER BY source COLLATE \"C\"").map(Self.state)
    }

    public func save(_ s: SourceState) async throws {
        let pool = try await store.ready()
        _ = try await pool.rows("""
            INSERT INTO source_state(source, etag, last_modified, last_poll_at, last_success_at, last_error, item_count)
            VALUES (\(s.source), \(s.etag), \(s.lastModified), \(s.lastPollAt?.timeIntervalSince1970),
                    \(s.lastSuccessAt?.timeIntervalSince1970), \(s.lastError), \(s.itemCount))
            ON CONFLICT (source) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                last_poll_at = excluded.last_poll_at, last_success_at = excluded.last_success_at,
                last_error = excluded.last_error, item_count = excluded.item_count
            """)
    }

    public func files(source: String) async throws -> [String: SourceFileState] {
        let pool = try await store.ready()
        var out: [String: SourceFileState] = [:]
        for row in try await pool.rows("SELECT path, content_hash, imported, entry_count, error FROM source_files WHERE source = \(source)") {
            let path: String = try row.get("path")
            out[path] = SourceFileState(path: path, contentHash: try row.get("content_hash"), imported: try row.get("imported"),
                                        entryCount: try row.get("entry_count"), error: try row.get("error"))
        }
        return out
    }

    public func saveFile(source: String, _ f: SourceFileState, at now: Date) async throws {
        let pool = try await store.ready()
        _ = try await pool.rows("""
            INSERT INTO source_files(source, path, content_hash, imported, entry_count, error, checked_at)
            VALUES (\(source), \(f.path), \(f.contentHash), \(f.imported), \(f.entryCount), \(f.error), \(now.timeIntervalSince1970))
            ON CONFLICT (source, path) DO UPDATE SET content_hash = excluded.content_hash, imported = excluded.imported,
                entry_count = excluded.entry_count, error = excluded.error, checked_at = excluded.checked_at
            """)
    }

    public func forgetFiles(source: String, keeping paths: Set<String>) async throws {
        let pool = try await store.ready()
        let keep = paths.sorted()
        _ = try await pool.rows("DELETE FROM source_files WHERE source = \(source) AND NOT (path = ANY(\(keep)))")
    }

    static func state(_ row: PostgresRandomAccessRow) throws -> SourceState {
        SourceState(
            source: try row.get("source"), etag: try row.get("etag"), lastModified: try row.get("last_modified"),
            lastPollAt: try row.get("last_poll_at", Double?.self).map(Date.init(timeIntervalSince1970:)),
            lastSuccessAt: try row.get("last_success_at", Double?.self).map(Date.init(timeIntervalSince1970:)),
            lastError: try row.get("last_error"), itemCount: try row.get("item_count"))
    }
}

/// Console schedule overrides on PostgreSQL: every replica's scheduler reads the same ones.
public struct PostgresScheduleOverrides: ScheduleOverrideStore {
    let store: PostgresStore

    public init(store: PostgresStore) { self.store = store }

    public func all() async throws -> [String: String] {
        let pool = try await store.ready()
        var out: [String: String] = [:]
        for row in try await pool.rows("SELECT job, cron FROM schedule_overrides") { out[try row.get("job")] = try row.get("cron") }
        return out
    }

    public func set(job: String, cron: String, now: Date) async throws {
        let pool = try await store.ready()
        let at = now.timeIntervalSince1970
        try await pool.transaction { conn in
            _ = try await conn.rows("""
                INSERT INTO schedule_overrides(job, cron, updated_at) VALUES (\(job), \(cron), \(at))
                ON CONFLICT (job) DO UPDATE SET cron = excluded.cron, updated_at = excluded.updated_at
                """, logger: pool.logger)
            _ = try await conn.rows("""
                INSERT INTO schedule_state(job, last_slot) VALUES (\(job), \(at))
                ON CONFLICT (job) DO UPDATE SET last_slot = GREATEST(schedule_state.last_slot, excluded.last_slot)
                """, logger: pool.logger)
        }
    }

    public func remove(job: String) async throws {
        let pool = try await store.ready()
        _ = try await pool.rows("DELETE FROM schedule_overrides WHERE job = \(job)")
    }
}
