import Foundation
import TepaiStore

/// Remembers which platform events were handled, so a retried or replayed event is answered once.
public protocol CallbackEventLog: Sendable {
    /// Records the event; true the first time its key is seen.
    func recordFirst(_ key: String, now: Date) async throws -> Bool
}

/// The SQLite store's table of seen events (migration v4-callback-events): survives restarts.
extension CallbackEventStore: CallbackEventLog {}

/// Any backend's table of seen events (PostgreSQL: shared by every replica).
public struct StoredCallbackEvents: CallbackEventLog {
    public let events: any CallbackEventStoring
    public init(_ events: any CallbackEventStoring) { self.events = events }
    public func recordFirst(_ key: String, now: Date) async throws -> Bool { try await events.recordFirst(key, now: now) }
}

/// For daemons without a SQLite store (and tests): remembers events for the life of the process.
public actor InMemoryCallbackEventLog: CallbackEventLog {
    private var seen: [String: Date] = [:]

    public init() {}

    public func recordFirst(_ key: String, now: Date) async throws -> Bool {
        if seen.count > 10_000 { seen = seen.filter { now.timeIntervalSince($0.value) < CallbackEventStore.retention } }
        guard seen[key] == nil else { return false }
        seen[key] = now
        return true
    }
}
