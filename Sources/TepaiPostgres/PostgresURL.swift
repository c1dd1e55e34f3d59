import Foundation
import TepaiStore

/// A `postgres://user:password@host:port/database?…` address, parsed once. `description` masks the password,
/// so the value can go into any log line or error. Query options: `sslmode=disable|prefer|require` (default
/// prefer), `host=/path/to/socket/dir` (a Unix socket, as libpq spells it) and `outbox_lease=SECONDS`, how long
/// a replica's claim on an outbox message lasts before another replica may take it over (default 120).
public struct PostgresURL: Sendable, CustomStringConvertible, Equatable {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var socketDirectory: String?
    public var tls: TLSMode
    public var outboxLease: Double

    /// True when `text` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(_ text: String) throws {
        guard Self.isPostgres(text), let parts = URLComponents(string: text) else {
            throw StoreError("database \(Self.mask(text)) is not a postgres://user:password@host:port/database URL")
        }
        guard let user = parts.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw StoreError("database \(Self.mask(text)): the URL names no user (postgres://USER:password@host/database)")
        }
        let db = String(parts.path.drop(while: { $0 == "/" }))
        guard !db.isEmpty else {
            throw StoreError("database \(Self.mask(text)): the URL names no database (postgres://user@host/DATABASE)")
        }
        self.user = user
        password = parts.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        host = parts.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = parts.port ?? 5432
        database = db.removingPercentEncoding ?? db
        tls = .prefer
        outboxLease = 120
        for item in parts.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value == "allow" ? "prefer" : value) else {
                    throw StoreError("database \(Self.mask(text)): sslmode \"\(value)\" is not disable, prefer or require")
                }
                tls = mode
            case "host" where value.hasPrefix("/"):
                socketDirectory = value
            case "outbox_lease":
                guard let s = Double(value), s >= 1 else {
                    throw StoreError("database \(Self.mask(text)): outbox_lease \"\(value)\" is not a number of seconds ≥ 1")
                }
                outboxLease = s
            default:
                throw StoreError("database \(Self.mask(text)): unknown option \"\(item.name)\" (known: sslmode, host, outbox_lease)")
            }
        }
    }

    public var description: String {
        var s = "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
        if let socketDirectory { s += "?host=\(socketDirectory)" }
        return s
    }

    /// The same address naming another database (tests create one database each).
    public func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// The text with any `:password@` replaced by `:***@`, for input that did not even parse.
    public static func mask(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].lastIndex(of: "@") else { return text }
        let userinfo = text[scheme.upperBound..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
