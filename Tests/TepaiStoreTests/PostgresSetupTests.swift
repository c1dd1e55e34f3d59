import Foundation
import Testing
import TepaiPostgres
import TepaiStore

/// Opening a PostgreSQL store: URLs, masked passwords, migrations run once when replicas start together.
@Suite struct PostgresSetupTests {
    @Test func urlsParseAndPrintWithoutTheirPassword() throws {
        let url = try PostgresURL("postgres://tepai:s%40cret@db.example:6543/kj?sslmode=require&outbox_lease=15")
        #expect(url.user == "tepai" && url.password == "s@cret" && url.host == "db.example" && url.port == 6543)
        #expect(url.database == "kj" && url.tls == .require && url.outboxLease == 15)
        #expect(url.description == "postgres://tepai:***@db.example:6543/kj")
        let socket = try PostgresURL("postgresql://tepai@/kj?host=/var/run/postgresql")
        #expect(socket.socketDirectory == "/var/run/postgresql" && socket.password == nil && socket.port == 5432)
    }

    @Test(arguments: [
        ("postgres://u:pw@h/", "names no database"),
        ("postgres://h/db", "names no user"),
        ("postgres://u:pw@h/db?sslmode=maybe", "sslmode \"maybe\""),
        ("postgres://u:pw@h/db?outbox_lease=0", "outbox_lease \"0\""),
        ("postgres://u:pw@h/db?pool=3", "unknown option \"pool\""),
    ])
    func badURLsAreRefusedWithTheirReasonAndNoPassword(_ text: String, _ reason: String) {
        #expect {
            _ = try PostgresURL(text)
        } throws: { error in
            let message = "\(error)"
            return message.contains(reason) && !message.contains(":pw@")
        }
    }

    /// No server needed: nothing listens on port 1, and `.invalid` never resolves.
    @Test(arguments: [("127.0.0.1", 1, "Connection refused"), ("db.tepai-test.invalid", 5432, "")])
    func anUnreachableServerIsNamedWithTheReasonAndWhatToCheck(_ host: String, _ port: Int, _ reason: String) async throws {
        let url = try PostgresURL("postgres://tepai:secret-pw-77@\(host):\(port)/tepai")
        do {
            try await PostgresStore(url: url, logger: Backend.logger).prepare()
            Issue.record("\(host):\(port) was reached")
        } catch {
            let message = "\(error)"
            #expect(message.hasPrefix("cannot connect to PostgreSQL at \(host):\(port) ("), "\(message)")
            #expect(reason.isEmpty || message.contains("(\(reason))"), "\(message)")
            #expect(message.contains("check that the server is running") && !message.contains("secret-pw-77"))
        }
    }

    @Test func aWrongPasswordFailsNamingTheDatabaseButNotThePassword() async throws {
        guard let server = try Backend.postgresServer() else { return }
        var wrong = server
        wrong.password = "not-the-password-\(UUID().uuidString.prefix(6))"
        let store = PostgresStore(url: wrong, logger: Backend.logger)
        do {
            try await store.prepare()
            Issue.record("a wrong password was accepted")
        } catch {
            let message = "\(error)"
            #expect(message.contains("127.0.0.1:\(server.port)/\(server.database)"))
            #expect(message.contains("password authentication failed"), "\(message)")
            #expect(!message.contains(wrong.password ?? "?"))
        }
    }

    @Test func replicasStartingTogetherMigrateOnce() async throws {
        guard let db = try await Backend.postgres.fresh(), let url = db.url else { return }
        let stores = (0..<4).map { _ in PostgresStore(url: url, logger: Backend.logger) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for s in stores { group.addTask { try await s.prepare() } }
            try await group.waitForAll()
        }
        #expect(try await PostgresAdmin.migrations(url: url, logger: Backend.logger) == [
            "v1-entries", "v2-outbox", "v3-digests", "v4-callback-events", "v5-source-state", "v6-channel-switches", "v7-schedule-overrides",
        ])
        #expect(try await stores[3].revision() == 0)
    }
}
