import Foundation
import GRDB

/// One message waiting in (or done with) the outbox.
public struct OutboxMessage: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "outbox"

    public enum Status: String, Sendable, Codable { case pending, sending, delivered, dead }

    public var id: Int64?
    public var idempotencyKey: String
    public var channel: String
    public var title: String
    public var content: String
    public var url: String?
    public var part: Int
    public var parts: Int
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Double
    public var claimedAt: Double?
    public var lastError: String?
    public var createdAt: Double
    public var deliveredAt: Double?

    enum CodingKeys: String, CodingKey {
        case id, channel, title, content, url, part, parts, status, attempts
        case idempotencyKey = "idempotency_key", nextAttemptAt = "next_attempt_at", claimedAt = "claimed_at"
        case lastError = "last_error", createdAt = "created_at", deliveredAt = "delivered_at"
    }

    public init(idempotencyKey: String, channel: String, title: String, content: String, url: String?, part: Int, parts: Int, now: Double) {
        self.idempotencyKey = idempotencyKey
        self.channel = channel
        self.title = title
        self.content = content
        self.url = url
        self.part = part
        self.parts = parts
        status = .pending
        attempts = 0
        nextAttemptAt = now
        createdAt = now
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension OutboxMessage {
    /// Every column, in the order `init(direct:)` reads them.
    static let columnList = """
        id, idempotency_key, channel, title, content, url, part, parts, status, attempts, next_attempt_at, \
        claimed_at, last_error, created_at, delivered_at
        """

    /// A row of `columnList`, read by index: claims decode thousands of these a second, and GRDB's
    /// `Decodable` path (still used by the occasional lookup, `messages(keys:)`) cost more than the claiming
    /// statement itself.
    init(direct row: DirectRow) throws {
        self.init(idempotencyKey: row.text(1), channel: row.text(2), title: row.text(3), content: row.text(4),
                  url: row.optionalText(5), part: row.int(6), parts: row.int(7), now: row.double(13))
        id = row.int64(0)
        let raw = row.text(8)
        guard let status = Status(rawValue: raw) else {
            throw StoreError("outbox row \(row.int64(0)) has an unknown status \"\(raw)\"")
        }
        self.status = status
        attempts = row.int(9)
        nextAttemptAt = row.double(10)
        claimedAt = row.optionalDouble(11)
        lastError = row.optionalText(12)
        deliveredAt = row.optionalDouble(14)
    }
}

/// What happened to one attempt, for the outbox and the delivery log.
public enum AttemptResult: Sendable, Equatable {
    case delivered
    case retry(code: Int, message: String)
    case failed(code: Int, message: String)
}

/// Retry policy: exponential backoff with full jitter, up to `maxAttempts`, then a dead letter.
public struct RetryPolicy: Sendable {
    public var maxAttempts = 8
    public var baseSeconds = 2.0
    public var capSeconds = 600.0
    public init() {}

    public func delay(afterAttempt n: Int, random: Double) -> Double {
        let ceiling = min(capSeconds, baseSeconds * pow(2, Double(max(0, n - 1))))
        return ceiling / 2 + ceiling / 2 * random
    }
}

/// The durable outbox on the SQLite store. Every step is one transaction: a message is enqueued before it is
/// sent, claimed before the HTTP request, and marked with the platform's answer after it.
public final class SQLiteOutbox: OutboxStore {
    let pool: DatabasePool
    public let policy: RetryPolicy

    public init(store: SQLiteStore, policy: RetryPolicy = RetryPolicy()) {
        pool = store.pool
        self.policy = policy
    }

    /// Inserts messages whose idempotency key is new; returns how many were new.
    @discardableResult
    public func enqueue(_ messages: [OutboxMessage]) async throws -> Int {
        try await pool.write { db in
            let insert = try DirectStatement("""
                INSERT OR IGNORE INTO outbox(idempotency_key, channel, title, content, url, part, parts, status, attempts,
                                             next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, in: db)
            var added = 0
            for m in messages {
                insert.bind(1, m.idempotencyKey)
                insert.bind(2, m.channel)
                insert.bind(3, m.title)
                insert.bind(4, m.content)
                insert.bind(5, m.url)
                insert.bind(6, m.part)
                insert.bind(7, m.parts)
                insert.bind(8, m.status.rawValue)
                insert.bind(9, m.attempts)
                insert.bind(10, m.nextAttemptAt)
                insert.bind(11, m.createdAt)
                added += try insert.run()
            }
            return added
        }
    }

    /// Claims up to `limit` due messages (pending and due, in order) and marks them sending, in one statement.
    /// Messages of `held` channels (switched off by an administrator)
    /// stay pending, untouched, until their channel is switched back on.
    public func claim(limit: Int, now: Double, held: Set<String>) async throws -> [OutboxMessage] {
        let (clause, names) = Self.excluding(held)
        return try await pool.write { db in
            let claim = try DirectStatement("""
                UPDATE outbox SET status = 'sending', claimed_at = ?, attempts = attempts + 1
                WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?\(clause)
                             ORDER BY next_attempt_at, id LIMIT ?)
                RETURNING \(OutboxMessage.columnList)
                """, in: db)
            claim.bind(1, now)
            claim.bind(2, now)
            for (i, name) in names.enumerated() { claim.bind(Int32(3 + i), name) }
            claim.bind(Int32(3 + names.count), limit)
            return try claim.rows(OutboxMessage.init(direct:))
        }
    }

    /// ` AND channel NOT IN (?, …)` and its arguments; empty when nothing is held.
    static func excluding(_ held: Set<String>) -> (String, [String]) {
        guard !held.isEmpty else { return ("", []) }
        return (" AND channel NOT IN (\(Array(repeating: "?", count: held.count).joined(separator: ", ")))", held.sorted())
    }

    /// Records the results of a whole pass in one transaction.
    public func recordAll(_ results: [(OutboxMessage, AttemptResult, Double)], now: Double,
                          random: @Sendable () -> Double) async throws {
        guard !results.isEmpty else { return }
        try await pool.write { [policy] db in
            let log = try DirectStatement("INSERT INTO delivery_log(outbox_id, channel, at, outcome, code, message, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?)", in: db)
            let update = try DirectStatement("""
                UPDATE outbox SET status = ?, next_attempt_at = ?, last_error = ?, delivered_at = ?, claimed_at = NULL
                WHERE id = ? AND status = 'sending'
                """, in: db)
            for (m, result, latencyMs) in results {
                guard let id = m.id else { continue }
                // `attempts` is current: the claim counted this attempt.
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
                update.bind(1, status.rawValue)
                update.bind(2, next)
                update.bind(3, error)
                update.bind(4, delivered)
                update.bind(5, id)
                try update.run()
                log.bind(1, id)
                log.bind(2, m.channel)
                log.bind(3, now)
                log.bind(4, entry.0)
                log.bind(5, entry.1)
                log.bind(6, entry.2)
                log.bind(7, latencyMs)
                try log.run()
            }
        }
    }

    /// Puts a claimed message back untouched (the robot's rate limit said wait): no attempt is counted.
    public func release(_ message: OutboxMessage, until: Double) async throws {
        try await pool.write { db in
            guard let id = message.id else { return }
            try db.execute(sql: "UPDATE outbox SET status = 'pending', claimed_at = NULL, attempts = MAX(attempts - 1, 0), next_attempt_at = ? WHERE id = ? AND status = 'sending'",
                           arguments: [until, id])
        }
    }

    /// After a crash, messages left "sending" have an unknown outcome: they go back to pending. Only those
    /// can be duplicated; delivered ones are never sent again.
    @discardableResult
    public func recoverInFlight() async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "UPDATE outbox SET status = 'pending', claimed_at = NULL WHERE status = 'sending'")
            return db.changesCount
        }
    }

    /// Dead letters back to pending, for an administrator who fixed the cause; returns how many.
    @discardableResult
    public func retryDead(channel: String?, now: Double) async throws -> Int {
        try await pool.write { db in
            if let channel {
                try db.execute(sql: "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE status = 'dead' AND channel = ?", arguments: [now, channel])
            } else {
                try db.execute(sql: "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE status = 'dead'", arguments: [now])
            }
            return db.changesCount
        }
    }

    public func counts() async throws -> [OutboxMessage.Status: Int] {
        try await pool.read { db in
            var out: [OutboxMessage.Status: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM outbox GROUP BY status") {
                if let s = OutboxMessage.Status(rawValue: row[0]) { out[s] = row[1] }
            }
            return out
        }
    }

    public func messages(keys: [String]) async throws -> [OutboxMessage] {
        try await pool.read { db in try OutboxMessage.filter(keys.contains(Column("idempotency_key"))).order(Column("id")).fetchAll(db) }
    }

    /// The earliest time a pending message is due, if any.
    public func nextDue(held: Set<String>) async throws -> Double? {
        let (clause, names) = Self.excluding(held)
        return try await pool.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'\(clause)", arguments: StatementArguments(names))
        }
    }

    /// Attempts per channel and outcome, for metrics.
    public func deliveryCounts() async throws -> [(channel: String, outcome: String, count: Int)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT channel, outcome, COUNT(*) FROM delivery_log GROUP BY channel, outcome")
                .map { (channel: $0[0], outcome: $0[1], count: $0[2]) }
        }
    }

    @discardableResult public func pruneDeliveryLog(before cutoff: Double) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM delivery_log WHERE at < ?", arguments: [cutoff])
            return db.changesCount
        }
    }

    public func deliveryLog(channel: String?) async throws -> [DeliveryLogEntry] {
        try await pool.read { db in
            if let channel {
                return try DeliveryLogEntry.filter(Column("channel") == channel).order(Column("id")).fetchAll(db)
            }
            return try DeliveryLogEntry.order(Column("id")).fetchAll(db)
        }
    }
}

/// One attempt in the delivery log: when, where, what the platform said, how long it took.
public struct DeliveryLogEntry: Sendable, Codable, FetchableRecord, TableRecord {
    public static let databaseTableName = "delivery_log"
    public var id: Int64
    public var outboxID: Int64
    public var channel: String
    public var at: Double
    public var outcome: String
    public var code: Int?
    public var message: String?
    public var latencyMs: Double?

    enum CodingKeys: String, CodingKey {
        case id, channel, at, outcome, code, message
        case outboxID = "outbox_id", latencyMs = "latency_ms"
    }

    public init(id: Int64, outboxID: Int64, channel: String, at: Double, outcome: String, code: Int?, message: String?, latencyMs: Double?) {
        self.id = id
        self.outboxID = outboxID
        self.channel = channel
        self.at = at
        self.outcome = outcome
        self.code = code
        self.message = message
        self.latencyMs = latencyMs
    }
}
