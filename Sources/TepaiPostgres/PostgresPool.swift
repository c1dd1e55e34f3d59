import Foundation
import Logging
import NIOSSL
import PostgresNIO
import TepaiStore

/// One connection pool per store, shared by its outbox, ledger and other tables. postgres-nio's client needs
/// its `run()` going; the pool starts it on creation and stops it when the store goes away.
final class PostgresPool: Sendable {
    let client: PostgresClient
    let url: PostgresURL
    let logger: Logger
    /// Names this process in outbox claims and schedule leases: host, pid and a random suffix.
    let replicaID: String
    private let runner: Task<Void, Never>

    init(url: PostgresURL, logger: Logger) {
        var config: PostgresClient.Configuration
        if let dir = url.socketDirectory {
            config = .init(unixSocketPath: "\(dir)/.s.PGSQL.\(url.port)", username: url.user, password: url.password, database: url.database)
        } else {
            let tls: PostgresClient.Configuration.TLS
            switch url.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(.makeClientConfiguration())
            case .require: tls = .require(.makeClientConfiguration())
            }
            config = .init(host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        }
        config.options.maximumConnections = 8
        config.options.connectTimeout = .seconds(10)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: config, backgroundLogger: quiet)
        self.client = client
        self.url = url
        self.logger = quiet
        replicaID = "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8))"
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    /// Opens one connection of its own and closes it: the pool retries failed connections quietly in the
    /// background, so a wrong password or an unreachable server would otherwise show only as a timeout.
    func probe() async throws {
        var config: PostgresConnection.Configuration
        if let dir = url.socketDirectory {
            config = .init(unixSocketPath: "\(dir)/.s.PGSQL.\(url.port)", username: url.user, password: url.password, database: url.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch url.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            config = .init(host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        }
        config.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(configuration: config, id: 0, logger: logger)
            try await connection.close()
        } catch { throw failure(error) }
    }

    /// Runs a statement and collects its rows; errors name the database (password masked) and the server's reason.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        do {
            var out: [PostgresRandomAccessRow] = []
            for try await row in try await client.query(query, logger: logger) { out.append(row.makeRandomAccess()) }
            return out
        } catch { throw failure(error) }
    }

    /// Runs `body` in one transaction on one connection: all of it commits or none.
    func transaction<R: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> R) async throws -> R {
        do {
            return try await client.withConnection { conn in
                try await conn.withTransaction(logger: logger) { conn in try await body(conn) }
            }
        } catch { throw failure(error) }
    }

    func failure(_ error: any Error) -> StoreError {
        if let e = error as? StoreError { return e }
        if let t = error as? PostgresTransactionError, let inner = t.closureError ?? t.commitError ?? t.beginError {
            return failure(inner)
        }
        if let p = error as? PSQLError, p.code == .connectionError || p.code == .serverClosedConnection {
            return StoreError(Self.unreachable(url, p.underlying.map { String(describing: $0) } ?? "\(p.code)"))
        }
        if let p = error as? PSQLError {
            let reason = p.serverInfo?[.message] ?? p.underlying.map { "\(p.code): \($0)" } ?? "\(p.code)"
            let detail = p.serverInfo?[.detail].map { " (\($0))" } ?? ""
            return StoreError("PostgreSQL \(url): \(reason)\(detail)")
        }
        if error is PostgresDecodingError {
            // Column, types and position; no values (those stay out of logs).
            return StoreError("PostgreSQL \(url): a column did not decode: \(String(reflecting: error))")
        }
        return StoreError("PostgreSQL \(url): \(error)")
    }

    /// What an operator can act on when the server cannot be reached: where tepai tried, the system's short
    /// reason, and what to check (postgres-nio's own text nests the reason in several layers of types).
    static func unreachable(_ url: PostgresURL, _ detail: String) -> String {
        let reasons = ["Connection refused", "No route to host", "Network is unreachable", "timed out", "Connection reset",
                       "Name or service not known", "nodename nor servname", "Temporary failure in name resolution"]
        let reason = reasons.first { detail.localizedCaseInsensitiveContains($0) } ?? "the connection failed"
        return "cannot connect to PostgreSQL at \(url.host):\(url.port) (\(reason)): check that the server is running and that "
            + "`database` in the configuration (or --db) names the right host, port, database and user; tried \(url)"
    }
}

extension PostgresConnection {
    /// Runs a statement inside a transaction and collects its rows.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        var out: [PostgresRandomAccessRow] = []
        for try await row in try await self.query(query, logger: logger) { out.append(row.makeRandomAccess()) }
        return out
    }
}

extension PostgresRandomAccessRow {
    func get<T: PostgresDecodable>(_ column: String, _ type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }
}
