import Logging
import PostgresNIO
import TepaiStore

/// The PostgreSQL schema as one ordered list of migrations, named like the SQLite ones and holding the same
/// tables. Replicas may start together: the list is applied under a session advisory lock, each migration in
/// its own transaction with its row in `schema_migrations`, so every migration runs once. Append; never edit a
/// migration that has shipped.
enum PostgresMigrations {
    /// `pg_advisory_lock` key of the migration step ("tepai" in ASCII).
    static let lockKey: Int64 = 0x7465_7061_69

    static let all: [(name: String, statements: [String])] = [
        ("v1-entries", [
            """
            CREATE TABLE entries (
                id text PRIMARY KEY, kind text NOT NULL, title text NOT NULL, body text NOT NULL,
                tags text NOT NULL DEFAULT '[]', region text NOT NULL DEFAULT '', date text, url text,
                aliases text NOT NULL DEFAULT '[]', starts_at text, ends_at text, deadline text, venue text,
                audience text, format text, content_hash text NOT NULL, created_at text NOT NULL, updated_at text NOT NULL)
            """,
            "CREATE INDEX entries_kind_date ON entries(kind, date)",
            "CREATE INDEX entries_updated ON entries(updated_at)",
            "CREATE TABLE store_meta (key text PRIMARY KEY, value bigint NOT NULL)",
            "INSERT INTO store_meta(key, value) VALUES ('entries_revision', 0)",
        ]),
        ("v2-outbox", [
            // claimed_by / claim_expires_at: the lease of the replica sending a message. A replica that dies
            // mid-send leaves its lease to expire; another then claims the message again.
            """
            CREATE TABLE outbox (
                id bigserial PRIMARY KEY, idempotency_key text NOT NULL UNIQUE, channel text NOT NULL,
                title text NOT NULL, content text NOT NULL, url text, part bigint NOT NULL, parts bigint NOT NULL,
                status text NOT NULL, attempts bigint NOT NULL DEFAULT 0, next_attempt_at double precision NOT NULL,
                claimed_at double precision, claimed_by text, claim_expires_at double precision, last_error text,
                created_at double precision NOT NULL, delivered_at double precision)
            """,
            "CREATE INDEX outbox_due ON outbox(status, next_attempt_at)",
            "CREATE INDEX outbox_leases ON outbox(claim_expires_at) WHERE status = 'sending'",
            """
            CREATE TABLE delivery_log (
                id bigserial PRIMARY KEY, outbox_id bigint NOT NULL, channel text NOT NULL, at double precision NOT NULL,
                outcome text NOT NULL, code bigint, message text, latency_ms double precision)
            """,
            "CREATE INDEX delivery_log_channel ON delivery_log(channel, at)",
        ]),
        ("v3-digests", [
            """
            CREATE TABLE digest_runs (
                channel text NOT NULL, digest text NOT NULL, period text NOT NULL, created_at double precision NOT NULL,
                items bigint NOT NULL, parts bigint NOT NULL, PRIMARY KEY (channel, digest, period))
            """,
            """
            CREATE TABLE digest_items (
                channel text NOT NULL, digest text NOT NULL, entry_id text NOT NULL, content_hash text NOT NULL,
                period text NOT NULL, PRIMARY KEY (channel, digest, entry_id, content_hash))
            """,
            "CREATE TABLE schedule_state (job text PRIMARY KEY, last_slot double precision NOT NULL)",
            // Which replica runs a job, for which slot, until when: one replica runs one slot of a job at a time;
            // another takes over when the slot is done (schedule_state moved past it) or the lease expired.
            """
            CREATE TABLE schedule_leases (
                job text PRIMARY KEY, slot double precision NOT NULL, holder text NOT NULL,
                expires_at double precision NOT NULL)
            """,
        ]),
        ("v4-callback-events", [
            "CREATE TABLE callback_events (event_key text PRIMARY KEY, received_at double precision NOT NULL)",
            "CREATE INDEX callback_events_received ON callback_events(received_at)",
        ]),
        ("v5-source-state", [
            """
            CREATE TABLE source_state (
                source text PRIMARY KEY, etag text, last_modified text, last_poll_at double precision,
                last_success_at double precision, last_error text, item_count bigint NOT NULL DEFAULT 0)
            """,
            """
            CREATE TABLE source_files (
                source text NOT NULL, path text NOT NULL, content_hash text NOT NULL, imported boolean NOT NULL,
                entry_count bigint NOT NULL DEFAULT 0, error text, checked_at double precision NOT NULL,
                PRIMARY KEY (source, path))
            """,
        ]),
        ("v6-channel-switches", [
            "CREATE TABLE channel_switches (channel text PRIMARY KEY, enabled boolean NOT NULL, updated_at double precision NOT NULL)",
        ]),
        ("v7-schedule-overrides", [
            "CREATE TABLE schedule_overrides (job text PRIMARY KEY, cron text NOT NULL, updated_at double precision NOT NULL)",
        ]),
    ]

    /// Applies the migrations not yet recorded; returns their names.
    @discardableResult
    static func migrate(_ pool: PostgresPool) async throws -> [String] {
        do {
            return try await pool.client.withConnection { conn in
                let logger = pool.logger
                _ = try await conn.rows("SELECT pg_advisory_lock(\(lockKey))", logger: logger)
                do {
                    _ = try await conn.rows(PostgresQuery(unsafeSQL: """
                        CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                        """), logger: logger)
                    let done = Set(try await conn.rows("SELECT name FROM schema_migrations", logger: logger).map { try $0.get("name", String.self) })
                    var applied: [String] = []
                    for migration in all where !done.contains(migration.name) {
                        try await conn.withTransaction(logger: logger) { conn in
                            for sql in migration.statements { _ = try await conn.rows(PostgresQuery(unsafeSQL: sql), logger: logger) }
                            _ = try await conn.rows("INSERT INTO schema_migrations(name) VALUES (\(migration.name))", logger: logger)
                        }
                        applied.append(migration.name)
                    }
                    _ = try await conn.rows("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
                    return applied
                } catch {
                    _ = try? await conn.rows("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
                    throw error
                }
            }
        } catch {
            throw StoreError("cannot migrate the database: \(pool.failure(error))")
        }
    }
}
