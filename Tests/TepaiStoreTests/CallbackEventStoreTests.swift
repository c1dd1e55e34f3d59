import Foundation
import Testing
import TepaiStore

@Suite struct CallbackEventStoreTests {
    static func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tepai-events-\(UUID().uuidString).sqlite").path
    }

    @Test func anEventIsFirstOnceAlsoAfterReopening() async throws {
        let path = Self.path()
        let events = CallbackEventStore(store: try SQLiteStore(path: path))
        let now = Date()
        #expect(try await events.recordFirst("feishu:ev-1", now: now))
        #expect(try await !events.recordFirst("feishu:ev-1", now: now))
        #expect(try await events.recordFirst("feishu:ev-2", now: now))
        let reopened = CallbackEventStore(store: try SQLiteStore(path: path))
        #expect(try await !reopened.recordFirst("feishu:ev-1", now: now.addingTimeInterval(3600)))
        #expect(try await reopened.count() == 2)
    }

    @Test func concurrentDeliveriesOfOneEventHaveOneWinner() async throws {
        let events = CallbackEventStore(store: try SQLiteStore(path: Self.path()))
        let firsts = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { try await events.recordFirst("feishu:same", now: Date()) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(firsts == 1)
    }

    @Test func rowsOlderThanTheRetentionArePrunedWhenANewOneArrives() async throws {
        let events = CallbackEventStore(store: try SQLiteStore(path: Self.path()))
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(try await events.recordFirst("feishu:old", now: start))
        #expect(try await events.recordFirst("feishu:recent", now: start.addingTimeInterval(6 * 86_400)))
        #expect(try await events.count() == 2)
        #expect(try await events.recordFirst("feishu:new", now: start.addingTimeInterval(CallbackEventStore.retention + 60)))
        #expect(try await events.count() == 2)
        // Forgotten after the window: the old id counts as new again.
        #expect(try await events.recordFirst("feishu:old", now: start.addingTimeInterval(CallbackEventStore.retention + 120)))
    }
}
