import Foundation
import Logging
import Testing
import TepaiPostgres
import TepaiStore

/// The two backends every store test runs on. PostgreSQL needs `TEPAI_TEST_POSTGRES_URL` (make test starts a
/// throwaway server and sets it): missing under `CI`, that is a failure; missing locally, the test is skipped
/// with a note.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "TEPAI_TEST_POSTGRES_URL is not set, so the PostgreSQL store cannot be tested; CI must start a server (scripts/pg-test-server.sh start)"
        }
    }

    /// The server the PostgreSQL tests use, nil when none is configured (and skipping is allowed).
    static func postgresServer() throws -> PostgresURL? {
        let env = ProcessInfo.processInfo.environment
        guard let text = env["TEPAI_TEST_POSTGRES_URL"], !text.isEmpty else {
            if let ci = env["CI"], !ci.isEmpty, ci != "false" { throw Missing() }
            print("note: skipping a PostgreSQL test: TEPAI_TEST_POSTGRES_URL is not set (make test starts a server)")
            return nil
        }
        return try PostgresURL(text)
    }

    static var logger: Logger {
        var l = Logger(label: "test")
        l.logLevel = .warning
        return l
    }

    /// A fresh, empty database of this backend, and how to open it again (a second replica or a restart);
    /// nil when PostgreSQL tests are skipped here.
    func fresh() async throws -> TestDatabase? {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-store-\(UUID().uuidString)/t.sqlite").path
            return TestDatabase(backend: self) { try SQLiteStore(path: path) }
        case .postgres:
            guard let server = try Self.postgresServer() else { return nil }
            let name = "tepai_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            let url = try await PostgresAdmin.createDatabase(name, on: server, logger: Self.logger)
            return TestDatabase(backend: self, url: url) { PostgresStore(url: url, logger: Self.logger) }
        }
    }
}

/// One test's database: `open()` gives a new store on it, as another replica (or a restarted daemon) would.
struct TestDatabase: Sendable {
    let backend: Backend
    var url: PostgresURL?
    let make: @Sendable () throws -> any TepaiDatabase

    init(backend: Backend, url: PostgresURL? = nil, make: @escaping @Sendable () throws -> any TepaiDatabase) {
        self.backend = backend
        self.url = url
        self.make = make
    }

    func open() async throws -> any TepaiDatabase {
        let store = try make()
        try await store.prepare()
        return store
    }
}
