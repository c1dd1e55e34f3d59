import Foundation
import Logging
import PostgresNIO
import TepaiCore
import TepaiStore

/// The shared store for deployments with several replicas: the same tables and behaviour as `SQLiteStore`,
/// on a PostgreSQL database the operator already runs and backs up. Opening is cheap; the first use (or
/// `prepare()`) connects and migrates, and every later call waits for that to have worked.
public final class PostgresStore: TepaiDatabase {
    let pool: PostgresPool
    private let ready: Task<Void, any Error>

    /// How long connecting and migrating may take before the daemon gives up with a clear error.
    public static let connectDeadline: Duration = .seconds(30)

    public init(url: PostgresURL, logger: Logger) {
        let pool = PostgresPool(url: url, logger: logger)
        self.pool = pool
        ready = Task {
            _ = try await withDeadline(Self.connectDeadline, what: "cannot reach PostgreSQL \(url) within 30 s") {
                try await pool.probe()
                return try await PostgresMigrations.migrate(pool)
            }
        }
    }

    public convenience init(url: String, logger: Logger) throws {
        self.init(url: try PostgresURL(url), logger: logger)
    }

    public var location: String { pool.url.description }
    /// The name this process uses in outbox claims and schedule leases.
    public var replicaID: String { pool.replicaID }

    public func prepare() async throws { try await ready.value }

    public func makeOutbox(policy: RetryPolicy) -> any OutboxStore { PostgresOutbox(store: self, policy: policy) }
    public func makeLedger() -> any DigestLedgerStore { PostgresLedger(store: self) }
    public func makeChannelSwitches() -> any ChannelSwitchStore { PostgresChannelSwitches(store: self) }
    public func makeCallbackEvents() -> any CallbackEventStoring { PostgresCallbackEvents(store: self) }
    public func makeSourceState() -> any SourceStateStoring { PostgresSourceState(store: self) }
    public func makeScheduleOverrides() -> any ScheduleOverrideStore { PostgresScheduleOverrides(store: self) }

    /// The pool, once the schema is ready.
    func ready() async throws -> PostgresPool {
        try await ready.value
        return pool
    }

    public func upsert(_ entries: [Entry]) async throws -> UpsertCounts {
        guard !entries.isEmpty else { return UpsertCounts() }
        let pool = try await ready()
        let stamp = ISO8601DateFormatter().string(from: Date())
        let ids = entries.map(\.id)
        return try await pool.transaction { conn in
            var existing: [String: String] = [:]
            for row in try await conn.rows("SELECT id, content_hash FROM entries WHERE id = ANY(\(ids)) FOR UPDATE", logger: pool.logger) {
                existing[try row.get("id")] = try row.get("content_hash")
            }
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
                existing[entry.id] = hash
                let r = EntryRecord(entry, hash: hash, createdAt: stamp, updatedAt: stamp)
                _ = try await conn.rows("""
                    INSERT INTO entries (id, kind, title, body, tags, region, date, url, aliases, starts_at, ends_at, deadline,
                                         venue, audience, format, content_hash, created_at, updated_at)
                    VALUES (\(r.id), \(r.kind), \(r.title), \(r.body), \(r.tags), \(r.region), \(r.date), \(r.url), \(r.aliases),
                            \(r.startsAt), \(r.endsAt), \(r.deadline), \(r.venue), \(r.audience), \(r.format), \(r.contentHash),
                            \(r.createdAt), \(r.updatedAt))
                    ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, body = excluded.body,
                        tags = excluded.tags, region = excluded.region, date = excluded.date, url = excluded.url,
                        aliases = excluded.aliases, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
                        deadline = excluded.deadline, venue = excluded.venue, audience = excluded.audience,
                        format = excluded.format, content_hash = excluded.content_hash, updated_at = excluded.updated_at
                    """, logger: pool.logger)
            }
            if counts.added + counts.updated > 0 { try await Self.bumpRevision(conn, pool.logger) }
            return counts
        }
    }

    /// Ordered by id in byte order (`COLLATE "C"`), as SQLite orders them, so both backends answer alike.
    public func allEntries() async throws -> [Entry] {
        let pool = try await ready()
        return try await pool.rows("SELECT * FROM entries ORDER BY id COLLATE \"C\"").map { try Self.record($0).entry() }
    }

    public func entry(id: String) async throws -> Entry? {
        let pool = try await ready()
        return try await pool.rows("SELECT * FROM entries WHERE id = \(id)").first.map { try Self.record($0).entry() }
    }

    public func delete(id: String) async throws -> Bool {
        let pool = try await ready()
        return try await pool.transaction { conn in
            let gone = try await conn.rows("DELETE FROM entries WHERE id = \(id) RETURNING id", logger: pool.logger)
            if !gone.isEmpty { try await Self.bumpRevision(conn, pool.logger) }
            return !gone.isEmpty
        }
    }

    public func count() async throws -> Int {
        let pool = try await ready()
        return try await pool.rows("SELECT COUNT(*) AS n FROM entries").first?.get("n", Int.self) ?? 0
    }

    public func revision() async throws -> Int {
        let pool = try await ready()
        return try await pool.rows("SELECT value FROM store_meta WHERE key = 'entries_revision'").first?.get("value", Int.self) ?? 0
    }

    /// Entries of the given kinds with their hash and update time (the digest ledger's view).
    func storedEntries(kinds: [String]) async throws -> [StoredEntry] {
        let pool = try await ready()
        let stamp = ISO8601DateFormatter()
        return try await pool.rows("SELECT * FROM entries WHERE kind = ANY(\(kinds)) ORDER BY id COLLATE \"C\"").map { row in
            let r = try Self.record(row)
            return StoredEntry(entry: try r.entry(), contentHash: r.contentHash, updatedAt: stamp.date(from: r.updatedAt) ?? .distantPast)
        }
    }

    static func bumpRevision(_ conn: PostgresConnection, _ logger: Logger) async throws {
        _ = try await conn.rows("UPDATE store_meta SET value = value + 1 WHERE key = 'entries_revision'", logger: logger)
    }

    static func record(_ row: PostgresRandomAccessRow) throws -> EntryRecord {
        var r = EntryRecord(
            Entry(id: try row.get("id"), kind: .faq, title: try row.get("title"), body: try row.get("body")),
            hash: try row.get("content_hash"), createdAt: try row.get("created_at"), updatedAt: try row.get("updated_at"))
        r.kind = try row.get("kind")
        r.tags = try row.get("tags")
        r.region = try row.get("region")
        r.date = try row.get("date")
        r.url = try row.get("url")
        r.aliases = try row.get("aliases")
        r.startsAt = try row.get("starts_at")
        r.endsAt = try row.get("ends_at")
        r.deadline = try row.get("deadline")
        r.venue = try row.get("venue")
        r.audience = try row.get("audience")
        r.format = try row.get("format")
        return r
    }
}

/// Runs `body`, or fails with `what` when it takes longer than `limit` (an unreachable server would
/// otherwise keep the daemon waiting without a word).
func withDeadline<T: Sendable>(_ limit: Duration, what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw StoreError(what)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw StoreError(what) }
        return first
    }
}

extension PostgresStore {
    /// Runs one raw statement (tests make the database refuse a row with it; benchmarks empty tables).
    public func execute(_ sql: String) async throws {
        _ = try await ready().rows(PostgresQuery(unsafeSQL: sql))
    }
}

extension PostgresStore {
    /// One integer from a raw query (tests and benchmarks read the shared tables with it).
    public func scalar(_ sql: String) async throws -> Int {
        let pool = try await ready()
        do { return try await pool.rows(PostgresQuery(unsafeSQL: sql)).first.map { try $0[0].decode(Int.self) } ?? 0 } catch {
            throw pool.failure(error)
        }
    }

    /// Rows of text columns from a raw query.
    public func texts(_ sql: String) async throws -> [[String]] {
        let pool = try await ready()
        do { return try await pool.rows(PostgresQuery(unsafeSQL: sql)).map { row in try (0..<row.count).map { try row[$0].decode(String.self) } } } catch {
            throw pool.failure(error)
        }
    }
}
