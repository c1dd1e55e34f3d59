import Foundation
import Logging
import PostgresNIO
import TepaiStore

/// Server-level chores for tests and benchmarks: each gets a database of its own on one server.
public enum PostgresAdmin {
    /// Creates database `name` on the server `url` points at (connecting to `url`'s own database to do it).
    public static func createDatabase(_ name: String, on url: PostgresURL, logger: Logger) async throws -> PostgresURL {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw StoreError("database name \"\(name)\" may hold only letters, digits and _")
        }
        let pool = PostgresPool(url: url, logger: logger)
        _ = try await withDeadline(.seconds(30), what: "cannot reach PostgreSQL \(url) within 30 s") {
            try await pool.rows(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""))
        }
        return url.with(database: name)
    }
}

extension PostgresAdmin {
    /// The migrations recorded in `schema_migrations`, in the order they were applied.
    public static func migrations(url: PostgresURL, logger: Logger) async throws -> [String] {
        let store = PostgresStore(url: url, logger: logger)
        let pool = try await store.ready()
        return try await pool.rows("SELECT name FROM schema_migrations ORDER BY applied_at, name").map { try $0.get("name", String.self) }
    }
}
