import Foundation
import GRDB

/// What the daemon remembers about one content source between polls.
public struct SourceState: Sendable, Equatable {
    public var source: String
    /// The feed's `ETag` and `Last-Modified` from the last stored fetch: sent back as `If-None-Match` and
    /// `If-Modified-Since`.
    public var etag: String?
    public var lastModified: String?
    public var lastPollAt: Date?
    public var lastSuccessAt: Date?
    /// Why the last poll failed (nil when it worked).
    public var lastError: String?
    /// Entries the source yielded at its last successful poll.
    public var itemCount: Int

    public init(source: String, etag: String? = nil, lastModified: String? = nil, lastPollAt: Date? = nil,
                lastSuccessAt: Date? = nil, lastError: String? = nil, itemCount: Int = 0) {
        self.source = source
        self.etag = etag
        self.lastModified = lastModified
        self.lastPollAt = lastPollAt
        self.lastSuccessAt = lastSuccessAt
        self.lastError = lastError
        self.itemCount = itemCount
    }
}

/// The last version of a watched folder's file that was read.
public struct SourceFileState: Sendable, Equatable {
    public var path: String
    public var contentHash: String
    /// False when the whole file was refused (parse error): the same bytes are not read again.
    public var imported: Bool
    /// Valid entries the file held when it was imported.
    public var entryCount: Int
    public var error: String?

    public init(path: String, contentHash: String, imported: Bool, entryCount: Int = 0, error: String? = nil) {
        self.path = path
        self.contentHash = contentHash
        self.imported = imported
        self.entryCount = entryCount
        self.error = error
    }
}

/// Per-source and per-file state of the content sources (tables `source_state`, `source_files`).
public final class SourceStateStore: SourceStateStoring {
    let pool: DatabasePool

    public init(store: SQLiteStore) {
        pool = store.pool
    }

    public func state(source: String) async throws -> SourceState? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM source_state WHERE source = ?", arguments: [source]).map(Self.state)
        }
    }

    public func allStates() async throws -> [SourceState] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM source_state ORDER BY source").map(Self.state) }
    }

    public func save(_ s: SourceState) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO source_state(source, etag, last_modified, last_poll_at, last_success_at, last_error, item_count)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(source) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                    last_poll_at = excluded.last_poll_at, last_success_at = excluded.last_success_at,
                    last_error = excluded.last_error, item_count = excluded.item_count
                """, arguments: [s.source, s.etag, s.lastModified, s.lastPollAt?.timeIntervalSince1970,
                                 s.lastSuccessAt?.timeIntervalSince1970, s.lastError, s.itemCount])
        }
    }

    /// The files of a folder source, by path.
    public func files(source: String) async throws -> [String: SourceFileState] {
        try await pool.read { db in
            var out: [String: SourceFileState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT path, content_hash, imported, entry_count, error FROM source_files WHERE source = ?", arguments: [source]) {
                let path: String = row["path"]
                out[path] = SourceFileState(path: path, contentHash: row["content_hash"], imported: row["imported"],
                                            entryCount: row["entry_count"], error: row["error"])
            }
            return out
        }
    }

    public func saveFile(source: String, _ f: SourceFileState, at now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO source_files(source, path, content_hash, imported, entry_count, error, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(source, path) DO UPDATE SET content_hash = excluded.content_hash, imported = excluded.imported,
                    entry_count = excluded.entry_count, error = excluded.error, checked_at = excluded.checked_at
                """, arguments: [source, f.path, f.contentHash, f.imported, f.entryCount, f.error, now.timeIntervalSince1970])
        }
    }

    /// Forgets files that left the folder (their entries stay in the store).
    public func forgetFiles(source: String, keeping paths: Set<String>) async throws {
        try await pool.write { db in
            let known = try String.fetchAll(db, sql: "SELECT path FROM source_files WHERE source = ?", arguments: [source])
            for path in known where !paths.contains(path) {
                try db.execute(sql: "DELETE FROM source_files WHERE source = ? AND path = ?", arguments: [source, path])
            }
        }
    }

    private static func state(_ row: Row) -> SourceState {
        SourceState(
            source: row["source"], etag: row["etag"], lastModified: row["last_modified"],
            lastPollAt: (row["last_poll_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            lastSuccessAt: (row["last_success_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            lastError: row["last_error"], itemCount: row["item_count"])
    }
}
