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
        return m
    }
}
