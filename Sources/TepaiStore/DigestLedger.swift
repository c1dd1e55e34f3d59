import Foundation
import GRDB
import TepaiCore

/// An entry with what the store knows about its version: digests compare versions, not texts.
public struct StoredEntry: Sendable {
    public var entry: Entry
    public var contentHash: String
    /// When this version entered the store.
    public var updatedAt: Date

    public init(entry: Entry, contentHash: String, updatedAt: Date) {
        self.entry = entry
        self.contentHash = contentHash
        self.updatedAt = updatedAt
    }
}

/// One round-up ready to commit: the run, the entry versions it carries and its outbox messages.
public struct DigestCommit: Sendable {
    public var channel: String
    public var digest: String
    public var period: String
    public var items: [(id: String, hash: String)]
    public var messages: [OutboxMessage]

    public init(channel: String, digest: String, period: String, items: [(id: String, hash: String)], messages: [OutboxMessage]) {
        self.channel = channel
        self.digest = digest
        self.period = period
        self.items = items
        self.messages = messages
    }
}

/// The memory of digests and schedules: which entry versions each channel's round-ups carried, which
/// periods were sent, and the last slot of each job. A round-up, its items and its outbox messages are
/// written in one transaction, so a crash leaves either all of them or none.
public final class DigestLedger: DigestLedgerStore {
    let pool: DatabasePool
    /// Reminders carry their own idempotency keys and go straight to the outbox.
    public let outbox: any OutboxStore

    public init(store: SQLiteStore) {
        pool = store.pool
        outbox = SQLiteOutbox(store: store)
    }

    /// Entries of the given kinds with their content hash and update time.
    public func storedEntries(kinds: [EntryKind]) async throws -> [StoredEntry] {
        let names = kinds.map(\.rawValue)
        return try await pool.read { db in
            let stamp = ISO8601DateFormatter()
            return try EntryRecord.filter(names.contains(Column("kind"))).order(Column("id")).fetchAll(db).map { r in
                StoredEntry(entry: try r.entry(), contentHash: r.contentHash, updatedAt: stamp.date(from: r.updatedAt) ?? .distantPast)
            }
        }
    }

    /// "id\u{1}hash" of every entry version the channel's round-ups of this digest carried.
    public func carried(channel: String, digest: String) async throws -> Set<String> {
        try await pool.read { db in
            Set(try Row.fetchAll(db, sql: "SELECT entry_id, content_hash FROM digest_items WHERE channel = ? AND digest = ?",
                                 arguments: [channel, digest]).map { "\($0[0] as String)\u{1}\($0[1] as String)" })
        }
    }

    /// When the channel's first round-up of this digest was made, if any.
    public func firstRun(channel: String, digest: String) async throws -> Date? {
        try await pool.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(created_at) FROM digest_runs WHERE channel = ? AND digest = ?", arguments: [channel, digest])
                .map { Date(timeIntervalSince1970: $0) }
        }
    }

    /// Writes the run, its items and its messages; false (and nothing written) when this channel, digest and
    /// period was committed before.
    public func commit(_ c: DigestCommit, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO digest_runs(channel, digest, period, created_at, items, parts) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [c.channel, c.digest, c.period, now.timeIntervalSince1970, c.items.count, c.messages.count])
            guard db.changesCount > 0 else { return false }
            let item = try db.makeStatement(sql: "INSERT OR IGNORE INTO digest_items(channel, digest, entry_id, content_hash, period) VALUES (?, ?, ?, ?, ?)")
            for (id, hash) in c.items { try item.execute(arguments: [c.channel, c.digest, id, hash, c.period]) }
            for m in c.messages { try m.insert(db, onConflict: .ignore) }
            return true
        }
    }

    /// The last slot the job ran for.
    public func lastSlot(job: String) async throws -> Date? {
        try await pool.read { db in
            try Double.fetchOne(db, sql: "SELECT last_slot FROM schedule_state WHERE job = ?", arguments: [job]).map { Date(timeIntervalSince1970: $0) }
        }
    }

    /// One SQLite file serves one daemon: the slot's compare-and-set in `advance` and the unique digest runs
    /// already keep a second runner (a CLI run beside it) from queueing anything twice.
    public func claimSlot(job: String, slot: Date, now: Date, lease: TimeInterval) async throws -> Bool { true }

    /// Moves the job's last slot from `from` (nil: never ran) to `to`; false when another process moved it first.
    public func advance(job: String, from: Date?, to: Date) async throws -> Bool {
        try await pool.write { db in
            if let from {
                try db.execute(sql: "UPDATE schedule_state SET last_slot = ? WHERE job = ? AND last_slot = ?",
                               arguments: [to.timeIntervalSince1970, job, from.timeIntervalSince1970])
            } else {
                try db.execute(sql: "INSERT OR IGNORE INTO schedule_state(job, last_slot) VALUES (?, ?)", arguments: [job, to.timeIntervalSince1970])
            }
            return db.changesCount > 0
        }
    }
}
