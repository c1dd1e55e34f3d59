import Foundation
import PostgresNIO
import TepaiCore
import TepaiStore

/// Digest runs, their items and the schedule on PostgreSQL. A run's row, items and outbox messages commit in
/// one transaction; the primary key (channel, digest, period) lets only the first replica's commit through.
public final class PostgresLedger: DigestLedgerStore {
    let store: PostgresStore
    public let outbox: any OutboxStore

    public init(store: PostgresStore) {
        self.store = store
        outbox = PostgresOutbox(store: store)
    }

    public func storedEntries(kinds: [EntryKind]) async throws -> [StoredEntry] {
        try await store.storedEntries(kinds: kinds.map(\.rawValue))
    }

    public func carried(channel: String, digest: String) async throws -> Set<String> {
        let pool = try await store.ready()
        return Set(try await pool.rows("SELECT entry_id, content_hash FROM digest_items WHERE channel = \(channel) AND digest = \(digest)").map {
            "\(try $0.get("entry_id", String.self))\u{1}\(try $0.get("content_hash", String.self))"
        })
    }

    public func firstRun(channel: String, digest: String) async throws -> Date? {
        let pool = try await store.ready()
        let row = try await pool.rows("SELECT MIN(created_at) AS first FROM digest_runs WHERE channel = \(channel) AND digest = \(digest)").first
        return try row?.get("first", Double?.self).map { Date(timeIntervalSince1970: $0) }
    }

    public func commit(_ c: DigestCommit, now: Date) async throws -> Bool {
        let pool = try await store.ready()
        let at = now.timeIntervalSince1970
        let items = c.items.map { [$0.id, $0.hash] }
        let messages = c.messages
        return try await pool.transaction { conn in
            let run = try await conn.rows("""
                INSERT INTO digest_runs(channel, digest, period, created_at, items, parts)
                VALUES (\(c.channel), \(c.digest), \(c.period), \(at), \(items.count), \(messages.count))
                ON CONFLICT DO NOTHING RETURNING period
                """, logger: pool.logger)
            guard !run.isEmpty else { return false }
            for item in items {
                _ = try await conn.rows("""
                    INSERT INTO digest_items(channel, digest, entry_id, content_hash, period)
                    VALUES (\(c.channel), \(c.digest), \(item[0]), \(item[1]), \(c.period)) ON CONFLICT DO NOTHING
                    """, logger: pool.logger)
            }
            _ = try await PostgresOutbox.insert(messages, conn, pool.logger)
            return true
        }
    }

    public func lastSlot(job: String) async throws -> Date? {
        let pool = try await store.ready()
        let row = try await pool.rows("SELECT last_slot FROM schedule_state WHERE job = \(job)").first
        return try row.map { Date(timeIntervalSince1970: try $0.get("last_slot", Double.self)) }
    }

    public func advance(job: String, from: Date?, to: Date) async throws -> Bool {
        let pool = try await store.ready()
        let next = to.timeIntervalSince1970
        if let from {
            // Under READ COMMITTED a second replica's update waits for the first, then sees the new slot and
            // matches nothing.
            return try await !pool.rows("""
                UPDATE schedule_state SET last_slot = \(next) WHERE job = \(job) AND last_slot = \(from.timeIntervalSince1970) RETURNING job
                """).isEmpty
        }
        return try await !pool.rows("INSERT INTO schedule_state(job, last_slot) VALUES (\(job), \(next)) ON CONFLICT DO NOTHING RETURNING job").isEmpty
    }

    public func claimSlot(job: String, slot: Date, now: Date, lease: TimeInterval) async throws -> Bool {
        let pool = try await store.ready()
        let me = pool.replicaID
        let at = now.timeIntervalSince1970
        // First run of the job: the insert decides. Otherwise the lease passes on when its holder's lease ran
        // out, when it is ours already (a failed run tried again), or when its slot is done and this is a later
        // one. A replica that read a stale last slot (another is running the current one) gets nothing, so
        // two slots of one job never run side by side.
        return try await !pool.rows("""
            INSERT INTO schedule_leases(job, slot, holder, expires_at) VALUES (\(job), \(slot.timeIntervalSince1970), \(me), \(at + lease))
            ON CONFLICT (job) DO UPDATE SET slot = excluded.slot, holder = excluded.holder, expires_at = excluded.expires_at
            WHERE schedule_leases.expires_at < \(at) OR schedule_leases.holder = excluded.holder
               OR (excluded.slot > schedule_leases.slot
                   AND schedule_leases.slot <= COALESCE((SELECT last_slot FROM schedule_state WHERE job = excluded.job), '-Infinity'::float8))
            RETURNING holder
            """).isEmpty
    }
}
