import Foundation
import GRDB
import TepaiCore

/// The embedded default store: one SQLite file in WAL mode through GRDB.
public final class SQLiteStore: TepaiDatabase {
    let pool: DatabasePool
    public let location: String

    /// Opens (and creates, with its folder) the database at `path`, then brings the schema up to date.
    public init(path: String) throws {
        location = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = Configuration()
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Migrations.migrator.migrate(pool)
        } catch {
            throw StoreError("cannot open the database \(path): \(error)")
        }
    }

    public func upsert(_ entries: [Entry]) async throws -> UpsertCounts {
        guard !entries.isEmpty else { return UpsertCounts() }
        let stamp = ISO8601DateFormatter().string(from: Date())
        return try await pool.write { db in
            var existing: [String: String] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT id, content_hash FROM entries")
            while let row = try rows.next() { existing[row[0]] = row[1] }

            let insert = try db.makeStatement(sql: """
                INSERT INTO entries (id, kind, title, body, tags, region, date, url, aliases, starts_at, ends_at, deadline,
                                     venue, audience, format, content_hash, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, title = excluded.title, body = excluded.body,
                    tags = excluded.tags, region = excluded.region, date = excluded.date, url = excluded.url,
                    aliases = excluded.aliases, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
                    deadline = excluded.deadline, venue = excluded.venue, audience = excluded.audience,
                    format = excluded.format, content_hash = excluded.content_hash, updated_at = excluded.updated_at
                """)
            var counts = UpsertCounts()
            for entry in entries {
                let hash = EntryRecord.hash(entry)
                switch existing[entry.id] {
                case hash?:
                    counts.unchanged += 1
                    continue
                case nil: counts.added += 1
                default: counts.updated += 1
                }
                let r = EntryRecord(entry, hash: hash, createdAt: stamp, updatedAt: stamp)
                try insert.execute(arguments: [
                    r.id, r.kind, r.title, r.body, r.tags, r.region, r.date, r.url, r.aliases, r.startsAt, r.endsAt,
                    r.deadline, r.venue, r.audience, r.format, r.contentHash, r.createdAt, r.updatedAt,
                ])
            }
            if counts.added + counts.updated > 0 { try Self.bumpRevision(db) }
            return counts
        }
    }

    public func allEntries() async throws -> [Entry] {
        try await pool.read { db in try EntryRecord.order(Column("id")).fetchAll(db).map { try $0.entry() } }
    }

    public func entry(id: String) async throws -> Entry? {
        try await pool.read { db in try EntryRecord.fetchOne(db, key: id)?.entry() }
    }

    public func delete(id: String) async throws -> Bool {
        try await pool.write { db in
            let deleted = try EntryRecord.deleteOne(db, key: id)
            if deleted { try Self.bumpRevision(db) }
            return deleted
        }
    }

    public func count() async throws -> Int {
        try await pool.read { db in try EntryRecord.fetchCount(db) }
    }

    public func revision() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = 'entries_revision'") ?? 0 }
    }

    /// The file was opened and migrated by `init`.
    public func prepare() async throws {}
    public func makeOutbox(policy: RetryPolicy) -> any OutboxStore { SQLiteOutbox(store: self, policy: policy) }
    public func makeLedger() -> any DigestLedgerStore { DigestLedger(store: self) }
    public func makeChannelSwitches() -> any ChannelSwitchStore { ChannelSwitches(store: self) }
    public func makeCallbackEvents() -> any CallbackEventStoring { CallbackEventStore(store: self) }
    public func makeSourceState() -> any SourceStateStoring { SourceStateStore(store: self) }
    public func makeScheduleOverrides() -> any ScheduleOverrideStore { ScheduleOverrides(store: self) }

    static func bumpRevision(_ db: Database) throws {
        try db.execute(sql: "UPDATE store_meta SET value = value + 1 WHERE key = 'entries_revision'")
    }
}
