import GRDB

/// The schema, as one ordered list of migrations. Append; never edit a migration that has shipped.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-entries") { db in
            try db.create(table: "entries") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("title", .text).notNull()
                t.column("body", .text).notNull()
                t.column("tags", .text).notNull().defaults(to: "[]")
                t.column("region", .text).notNull().defaults(to: "")
                t.column("date", .text)
                t.column("url", .text)
                t.column("aliases", .text).notNull().defaults(to: "[]")
                t.column("starts_at", .text)
                t.column("ends_at", .text)
                t.column("deadline", .text)
                t.column("venue", .text)
                t.column("audience", .text)
                t.column("format", .text)
                t.column("content_hash", .text).notNull()
                t.column("created_at", .text).notNull()
                t.column("updated_at", .text).notNull()
            }
            try db.create(index: "entries_kind_date", on: "entries", columns: ["kind", "date"])
            try db.create(index: "entries_updated", on: "entries", columns: ["updated_at"])
            try db.create(table: "store_meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .integer).notNull()
            }
            try db.execute(sql: "INSERT INTO store_meta(key, value) VALUES ('entries_revision', 0)")
        }
        m.registerMigration("v2-outbox") { db in
            // A message is written here before it is sent; its idempotency key makes enqueueing the same
            // (channel, content, part) a no-op, so a digest or announcement is never queued twice.
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("idempotency_key", .text).notNull().unique()
                t.column("channel", .text).notNull()
                t.column("title", .text).notNull()
                t.column("content", .text).notNull()
                t.column("url", .text)
                t.column("part", .integer).notNull()
                t.column("parts", .integer).notNull()
                // pending → sending → delivered | pending (retry) | dead
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("next_attempt_at", .double).notNull()
                t.column("claimed_at", .double)
                t.column("last_error", .text)
                t.column("created_at", .double).notNull()
                t.column("delivered_at", .double)
            }
            try db.create(index: "outbox_due", on: "outbox", columns: ["status", "next_attempt_at"])
            try db.create(table: "delivery_log") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("outbox_id", .integer).notNull()
                t.column("channel", .text).notNull()
                t.column("at", .double).notNull()
                t.column("outcome", .text).notNull()
                t.column("code", .integer)
                t.column("message", .text)
                t.column("latency_ms", .double)
            }
            try db.create(index: "delivery_log_channel", on: "delivery_log", columns: ["channel", "at"])
        }
        m.registerMigration("v3-digests") { db in
            // One row per round-up sent to a channel for a period: the primary key makes a job that fires
            // twice (or on two replicas) enqueue its digest once.
            try db.create(table: "digest_runs") { t in
                t.column("channel", .text).notNull()
                t.column("digest", .text).notNull()
                t.column("period", .text).notNull()
                t.column("created_at", .double).notNull()
                t.column("items", .integer).notNull()
                t.column("parts", .integer).notNull()
                t.primaryKey(["channel", "digest", "period"])
            }
            // Every entry version a channel's round-up of a kind already carried: it is not carried again
            // until its content changes.
            try db.create(table: "digest_items") { t in
                t.column("channel", .text).notNull()
                t.column("digest", .text).notNull()
                t.column("entry_id", .text).notNull()
                t.column("content_hash", .text).notNull()
                t.column("period", .text).notNull()
                t.primaryKey(["channel", "digest", "entry_id", "content_hash"])
            }
            // The last slot each scheduled job ran for, so a missed run fires once after downtime.
            try db.create(table: "schedule_state") { t in
                t.primaryKey("job", .text)
                t.column("last_slot", .double).notNull()
            }
        }
        m.registerMigration("v4-callback-events") { db in
            // Platform events (a Feishu event_id, …) already answered: a platform's retry or a replayed request
            // is answered once, also after a restart. Rows older than the retention window are pruned.
            try db.create(table: "callback_events") { t in
                t.primaryKey("event_key", .text)
                t.column("received_at", .double).notNull()
            }
            try db.create(index: "callback_events_received", on: "callback_events", columns: ["received_at"])
        }
        m.registerMigration("v5-source-state") { db in
            // Per watched folder or feed: the validators of the last fetch (for conditional GET) and how the
            // last poll went.
            try db.create(table: "source_state") { t in
                t.primaryKey("source", .text)
                t.column("etag", .text)
                t.column("last_modified", .text)
                t.column("last_poll_at", .double)
                t.column("last_success_at", .double)
                t.column("last_error", .text)
                t.column("item_count", .integer).notNull().defaults(to: 0)
            }
            // Per file of a watched folder: the content hash last imported (or last refused as a whole), so a
            // file is read again only when its bytes change.
            try db.create(table: "source_files") { t in
                t.column("source", .text).notNull()
                t.column("path", .text).notNull()
                t.column("content_hash", .text).notNull()
                t.column("imported", .boolean).notNull()
                t.column("entry_count", .integer).notNull().defaults(to: 0)
                t.column("error", .text)
                t.column("checked_at", .double).notNull()
                t.primaryKey(["source", "path"])
            }
        }
        m.registerMigration("v6-channel-switches") { db in
            // Channels an administrator switched on or off at runtime; laid over the config's `enabled`.
            try db.create(table: "channel_switches") { t in
                t.primaryKey("channel", .text)
                t.column("enabled", .boolean).notNull()
                t.column("updated_at", .double).notNull()
            }
        }
        m.registerMigration("v7-schedule-overrides") { db in
            // Cron expressions changed in the web console, laid over the config's `schedules[].cron` by job name.
            try db.create(table: "schedule_overrides") { t in
                t.primaryKey("job", .text)
                t.column("cron", .text).notNull()
                t.column("updated_at", .double).notNull()
            }
        }
        m.registerMigration("v8-delivery-log-append-only") { db in
            // The log's (channel, at) index put each group commit's rows on as many index pages as there were
            // channels in it: at 100 channels about 85 scattered pages per commit, every one written to the
            // WAL, which doubled the cost of recording an answer. The log is now written in id order only;
            // the console reads its newest rows backwards (`recentDeliveries`).
            try db.execute(sql: "DROP INDEX IF EXISTS delivery_log_channel")
        }
        m.registerMigration("v9-outbox-pending-index") { db in
            // Only pending messages are looked up by due time (claims, the next wake-up). Indexing every row
            // by (status, next_attempt_at) moved each message's index entry twice more on its way to
            // delivered (pending → sending → delivered); a partial index is written once on enqueue and once
            // on claim. Status counts (metrics, console) scan the table, as the delivery-log counts already do.
            try db.execute(sql: "DROP INDEX IF EXISTS outbox_due")
            try db.execute(sql: "CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE status = 'pending'")
        }
        m.registerMigration("v10-outbox-plain-rowids") { db in
            // AUTOINCREMENT made SQLite rewrite its sqlite_sequence row after every insert, one more B-tree
            // write per message enqueued and per attempt logged. Neither table deletes rows, so plain rowids
            // (INTEGER PRIMARY KEY) give the same ever-growing ids. SQLite cannot drop AUTOINCREMENT in
            // place: each table is copied into a new one, ids kept.
            try db.execute(sql: """
                CREATE TABLE outbox_v10 ("id" INTEGER PRIMARY KEY, "idempotency_key" TEXT NOT NULL UNIQUE,
                    "channel" TEXT NOT NULL, "title" TEXT NOT NULL, "content" TEXT NOT NULL, "url" TEXT,
                    "part" INTEGER NOT NULL, "parts" INTEGER NOT NULL, "status" TEXT NOT NULL,
                    "attempts" INTEGER NOT NULL DEFAULT 0, "next_attempt_at" DOUBLE NOT NULL, "claimed_at" DOUBLE,
                    "last_error" TEXT, "created_at" DOUBLE NOT NULL, "delivered_at" DOUBLE);
                INSERT INTO outbox_v10 (id, idempotency_key, channel, title, content, url, part, parts, status, attempts,
                                        next_attempt_at, claimed_at, last_error, created_at, delivered_at)
                    SELECT id, idempotency_key, channel, title, content, url, part, parts, status, attempts,
                           next_attempt_at, claimed_at, last_error, created_at, delivered_at FROM outbox;
                DROP TABLE outbox;
                ALTER TABLE outbox_v10 RENAME TO outbox;
                CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE status = 'pending';
                CREATE TABLE delivery_log_v10 ("id" INTEGER PRIMARY KEY, "outbox_id" INTEGER NOT NULL,
                    "channel" TEXT NOT NULL, "at" DOUBLE NOT NULL, "outcome" TEXT NOT NULL, "code" INTEGER,
                    "message" TEXT, "latency_ms" DOUBLE);
                INSERT INTO delivery_log_v10 (id, outbox_id, channel, at, outcome, code, message, latency_ms)
                    SELECT id, outbox_id, channel, at, outcome, code, message, latency_ms FROM delivery_log;
                DROP TABLE delivery_log;
                ALTER TABLE delivery_log_v10 RENAME TO delivery_log;
                DELETE FROM sqlite_sequence WHERE name IN ('outbox', 'delivery_log');
                """)
        }
        return m
    }
}
