import TepaiCore

/// What an import did, for the success line.
public struct UpsertCounts: Sendable, Equatable {
    public var added: Int
    public var updated: Int
    public var unchanged: Int

    public init(added: Int = 0, updated: Int = 0, unchanged: Int = 0) {
        self.added = added
        self.updated = updated
        self.unchanged = unchanged
    }
}

/// The content store seam: SQLite (GRDB) now, PostgreSQL beside it later. Every write is one transaction.
public protocol ContentStore: Sendable {
    /// Inserts or replaces entries by id, all or nothing.
    func upsert(_ entries: [Entry]) async throws -> UpsertCounts
    func allEntries() async throws -> [Entry]
    func entry(id: String) async throws -> Entry?
    /// True when an entry was deleted.
    func delete(id: String) async throws -> Bool
    func count() async throws -> Int
    /// A number that grows with every change to the entries, so an index knows when to rebuild.
    func revision() async throws -> Int
}

/// Why the store failed, in words an administrator can act on.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
