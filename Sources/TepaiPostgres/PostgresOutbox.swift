import Foundation
import Logging
import PostgresNIO
import TepaiStore

/// The outbox shared by every replica. A claim takes due rows with `FOR UPDATE SKIP LOCKED`, so replicas
/// claiming at once never get the same message, and stamps them with this replica's name and a lease. A
/// replica killed mid-send leaves its rows "sending" until the lease expires; then any replica claims them
/// again (only those can be sent twice, as with SQLite after a crash).
public final class PostgresOutbox: OutboxStore {
    let store: PostgresStore
    public let policy: RetryPolicy
    /// Seconds a claim lasts (the database URL's `outbox_lease`): longer than the slowest send and its record.
    public let lease: Double

    public init(store: PostgresStore, policy: RetryPolicy = RetryPolicy()) {
        self.store = store
        self.policy = policy
        lease = store.pool.url.outboxLease
    }

    static let columns = """
        id, idempotency_key, channel, title, content, url, part, parts, status, attempts, next_attempt_at, claimed_at,
        last_error, created_at, delivered_at
        """

    @discardableResult
    public func enqueue(_ messages: [OutboxMessage]) async throws -> Int {
        guard !messages.isEmpty else { return 0 }
        let pool = try await store.ready()
        return try await pool.transaction { conn in try await Self.insert(messages, conn, pool.logger) }
    }

    /// Inserts inside the caller's transaction, in one statement over arrays; returns how many keys were new.
    /// (An empty URL is stored as NULL: arrays carry no NULLs here.)
    static func insert(_ messages: [OutboxMessage], _ conn: PostgresConnection, _ logger: Logger) async throws -> Int {
        guard !messages.isEmpty else { return 0 }
        let keys = messages.map(\.idempotencyKey), channels = messages.map(\.channel), titles = messages.map(\.title)
        let contents = messages.map(\.content), urls = messages.map { $0.url ?? "" }, parts = messages.map(\.part)
        let counts = messages.map(\.parts), statuses = messages.map(\.status.rawValue), attempts = messages.map(\.attempts)
        let next = messages.map(\.nextAttemptAt), created = messages.map(\.createdAt)
        return try await conn.rows("""
            INSERT INTO outbox (idempotency_key, channel, title, content, url, part, parts, status, attempts, next_attempt_at, created_at)
            SELECT k, c, t, b, NULLIF(u, ''), p, n, s, a, d, r
            FROM unnest(\(keys)::text[], \(channels)::text[], \(titles)::text[], \(contents)::text[], \(urls)::text[],
                        \(parts)::bigint[], \(counts)::bigint[], \(statuses)::text[], \(attempts)::bigint[],
                        \(next)::float8[], \(created)::float8[]) WITH ORDINALITY AS m(k, c, t, b, u, p, n, s, a, d, r, i)
            ORDER BY i
            ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
            """, logger: logger).count
    }

    public func claim(limit: Int, now: Double, held: Set<String>) async throws -> [OutboxMessage] {
        let pool = try await store.ready()
        let heldNames = held.sorted()
        let me = pool.replicaID
        let until = now + lease
        let rows = try await pool.rows("""
            UPDATE outbox SET status = 'sending', claimed_at = \(now), claimed_by = \(me), claim_expires_at = \(until),
                              attempts = attempts + 1
            WHERE id IN (SELECT id FROM outbox
                         WHERE ((status = 'pending' AND next_attempt_at <= \(now))
                                OR (status = 'sending' AND claim_expires_at < \(now)))
                           AND NOT (channel = ANY(\(heldNames)))
                         ORDER BY next_attempt_at, id LIMIT \(limit)
                         FOR UPDATE SKIP LOCKED)
            RETURNING \(unescaped: Self.columns)
            """)
        return try rows.map(Self.message).sorted { ($0.nextAttemptAt, $0.id ?? 0) < ($1.nextAttemptAt, $1.id ?? 0) }
    }

    public func recordAll(_ results: [(OutboxMessage, AttemptResult, Double)], now: Double, random: @Sendable () -> Double) async throws {
        guard !results.isEmpty else { return }
        let pool = try await store.ready()
        // Decided before the transaction: the closure runs on the connection and must not call back out.
        var planned: [(id: Int64, channel: String, status: String, next: Double, error: String?, delivered: Double?,
                       outcome: String, code: Int?, text: String?, latency: Double)] = []
        for (m, result, latencyMs) in results {
            guard let id = m.id else { continue }
            var status = OutboxMessage.Status.dead
            var next = m.nextAttemptAt
            var error: String?
            var delivered: Double?
            let entry: (String, Int?, String?)
            switch result {
            case .delivered:
                status = .delivered
                delivered = now
                entry = ("delivered", 0, nil)
            case .retry(let code, let text):
                error = "\(code): \(text)"
                if m.attempts < policy.maxAttempts {
                    status = .pending
                    next = now + policy.delay(afterAttempt: m.attempts, random: random())
                }
                entry = (status == .dead ? "dead" : "retry", code, text)
            case .failed(let code, let text):
                error = "\(code): \(text)"
                entry = ("dead", code, text)
            }
            planned.append((id, m.channel, status.rawValue, next, error, delivered, entry.0, entry.1, entry.2, latencyMs))
        }
        let me = pool.replicaID
        // Two statements for the whole batch (arrays, NULLs as sentinels): a replica records hundreds of
        // outcomes per transaction without a round trip each.
        let ids = planned.map(\.id), statuses = planned.map(\.status), next = planned.map(\.next)
        let errors = planned.map { $0.error ?? "" }, delivered = planned.map { $0.delivered ?? -1 }
        let channels = planned.map(\.channel), outcomes = planned.map(\.outcome), codes = planned.map { $0.code ?? Int.min }
        let texts = planned.map { $0.text ?? "" }, latencies = planned.map(\.latency)
        try await pool.transaction { conn in
            // Only this replica's live claim is settled: a claim that expired and went to another replica
            // belongs to that one now.
            _ = try await conn.rows("""
                UPDATE outbox o SET status = v.s, next_attempt_at = v.n, last_error = NULLIF(v.e, ''),
                                    delivered_at = NULLIF(v.d, -1), claimed_at = NULL, claimed_by = NULL, claim_expires_at = NULL
                FROM unnest(\(ids)::bigint[], \(statuses)::text[], \(next)::float8[], \(errors)::text[], \(delivered)::float8[])
                     AS v(id, s, n, e, d)
                WHERE o.id = v.id AND o.status = 'sending' AND o.claimed_by = \(me)
                """, logger: pool.logger)
            _ = try await conn.rows("""
                INSERT INTO delivery_log(outbox_id, channel, at, outcome, code, message, latency_ms)
                SELECT id, c, \(now), o, NULLIF(k, \(Int.min)), NULLIF(t, ''), l
                FROM unnest(\(ids)::bigint[], \(channels)::text[], \(outcomes)::text[], \(codes)::bigint[], \(texts)::text[],
                            \(latencies)::float8[]) WITH ORDINALITY AS v(id, c, o, k, t, l, i)
                ORDER BY i
                """, logger: pool.logger)
        }
    }

    public func release(_ message: OutboxMessage, until: Double) async throws {
        guard let id = message.id else { return }
        let pool = try await store.ready()
        _ = try await pool.rows("""
            UPDATE outbox SET status = 'pending', claimed_at = NULL, claimed_by = NULL, claim_expires_at = NULL,
                              attempts = GREATEST(attempts - 1, 0), next_attempt_at = \(until)
            WHERE id = \(id) AND status = 'sending' AND claimed_by = \(pool.replicaID)
            """)
    }

    /// Other replicas may be sending right now: only claims whose lease has run out go back to pending.
    @discardableResult
    public func recoverInFlight() async throws -> Int {
        let pool = try await store.ready()
        let now = Date().timeIntervalSince1970
        return try await pool.rows("""
            UPDATE outbox SET status = 'pending', claimed_at = NULL, claimed_by = NULL, claim_expires_at = NULL
            WHERE status = 'sending' AND claim_expires_at < \(now) RETURNING id
            """).count
    }

    @discardableResult
    public func retryDead(channel: String?, now: Double) async throws -> Int {
        let pool = try await store.ready()
        if let channel {
            return try await pool.rows("""
                UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = \(now)
                WHERE status = 'dead' AND channel = \(channel) RETURNING id
                """).count
        }
        return try await pool.rows("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = \(now) WHERE status = 'dead' RETURNING id").count
    }

    public func counts() async throws -> [OutboxMessage.Status: Int] {
        let pool = try await store.ready()
        var out: [OutboxMessage.Status: Int] = [:]
        for row in try await pool.rows("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status") {
            if let s = OutboxMessage.Status(rawValue: try row.get("status")) { out[s] = try row.get("n") }
        }
        return out
    }

    public func messages(keys: [String]) async throws -> [OutboxMessage] {
        let pool = try await store.ready()
        return try await pool.rows("SELECT \(unescaped: Self.columns) FROM outbox WHERE idempotency_key = ANY(\(keys)) ORDER BY id").map(Self.message)
    }

    /// Also the expiry of leases held by others: a replica that died leaves work another must pick up.
    public func nextDue(held: Set<String>) async throws -> Double? {
        let pool = try await store.ready()
        let heldNames = held.sorted()
        return try await pool.rows("""
            SELECT MIN(CASE WHEN status = 'pending' THEN next_attempt_at ELSE claim_expires_at END) AS due FROM outbox
            WHERE status IN ('pending', 'sending') AND NOT (channel = ANY(\(heldNames)))
            """).first?.get("due", Double?.self)
    }

    public func deliveryCounts() async throws -> [(channel: String, outcome: String, count: Int)] {
        let pool = try await store.ready()
        return try await pool.rows("SELECT channel, outcome, COUNT(*) AS n FROM delivery_log GROUP BY channel, outcome ORDER BY channel, outcome")
            .map { (channel: try $0.get("channel"), outcome: try $0.get("outcome"), count: try $0.get("n")) }
    }

    @discardableResult public func pruneDeliveryLog(before cutoff: Double) async throws -> Int {
        let pool = try await store.ready()
        let rows = try await pool.rows("WITH gone AS (DELETE FROM delivery_log WHERE at < \(cutoff) RETURNING 1) SELECT COUNT(*) AS n FROM gone")
        return try rows.first?.get("n", Int.self) ?? 0
    }

    public func deliveryLog(channel: String?) async throws -> [DeliveryLogEntry] {
        let pool = try await store.ready()
        let rows: [PostgresRandomAccessRow]
        if let channel {
            rows = try await pool.rows("SELECT * FROM delivery_log WHERE channel = \(channel) ORDER BY id")
        } else {
            rows = try await pool.rows("SELECT * FROM delivery_log ORDER BY id")
        }
        return try rows.map(Self.logEntry)
    }

    public func recentDeliveries(limit: Int, failuresOnly: Bool) async throws -> [DeliveryLogEntry] {
        let pool = try await store.ready()
        let rows = failuresOnly
            ? try await pool.rows("SELECT * FROM delivery_log WHERE outcome <> 'delivered' ORDER BY id DESC LIMIT \(limit)")
            : try await pool.rows("SELECT * FROM delivery_log ORDER BY id DESC LIMIT \(limit)")
        return try rows.map(Self.logEntry)
    }

    public func recentDeliveries(channels: [String], perChannel: Int) async throws -> [String: [DeliveryLogEntry]] {
        let pool = try await store.ready()
        var out: [String: [DeliveryLogEntry]] = [:]
        for channel in channels {
            out[channel] = try await pool.rows("SELECT * FROM delivery_log WHERE channel = \(channel) ORDER BY id DESC LIMIT \(perChannel)")
                .map(Self.logEntry).reversed()
        }
        return out
    }

    static func logEntry(_ r: PostgresRandomAccessRow) throws -> DeliveryLogEntry {
        DeliveryLogEntry(id: try r.get("id"), outboxID: try r.get("outbox_id"), channel: try r.get("channel"), at: try r.get("at"),
                         outcome: try r.get("outcome"), code: try r.get("code"), message: try r.get("message"),
                         latencyMs: try r.get("latency_ms"))
    }

    static func message(_ r: PostgresRandomAccessRow) throws -> OutboxMessage {
        var m = OutboxMessage(idempotencyKey: try r.get("idempotency_key"), channel: try r.get("channel"), title: try r.get("title"),
                              content: try r.get("content"), url: try r.get("url"), part: try r.get("part"), parts: try r.get("parts"),
                              now: try r.get("created_at"))
        m.id = try r.get("id")
        guard let status = OutboxMessage.Status(rawValue: try r.get("status")) else {
            throw StoreError("outbox message \(m.idempotencyKey) has an unknown status in the database")
        }
        m.status = status
        m.attempts = try r.get("attempts")
        m.nextAttemptAt = try r.get("next_attempt_at")
        m.claimedAt = try r.get("claimed_at")
        m.lastError = try r.get("last_error")
        m.deliveredAt = try r.get("delivered_at")
        return m
    }
}
