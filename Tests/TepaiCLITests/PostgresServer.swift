import Foundation
import Logging
import TepaiPostgres

/// The PostgreSQL server of the replica tests: `TEPAI_TEST_POSTGRES_URL` (make test starts one). Missing
/// under `CI`, that is a failure; missing locally, the test is skipped with a note.
enum PostgresServer {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "TEPAI_TEST_POSTGRES_URL is not set, so the replica tests cannot run; CI must start a server (scripts/pg-test-server.sh start)"
        }
    }

    static var logger: Logger {
        var l = Logger(label: "test")
        l.logLevel = .warning
        return l
    }

    /// A new, empty database on the test server; nil when skipped here.
    static func freshDatabase() async throws -> PostgresURL? {
        let env = ProcessInfo.processInfo.environment
        guard let text = env["TEPAI_TEST_POSTGRES_URL"], !text.isEmpty else {
            if let ci = env["CI"], !ci.isEmpty, ci != "false" { throw Missing() }
            print("note: skipping a PostgreSQL replica test: TEPAI_TEST_POSTGRES_URL is not set (make test starts a server)")
            return nil
        }
        let name = "tepai_r_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        return try await PostgresAdmin.createDatabase(name, on: try PostgresURL(text), logger: logger)
    }
}
