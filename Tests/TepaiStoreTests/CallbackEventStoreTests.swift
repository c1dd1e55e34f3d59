import Foundation
import Testing
import TepaiStore

@Suite struct CallbackEventStoreTests {
    @Test(arguments: Backend.allCases) func anEventIsFirstOnceAlsoAfterReopening(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let events = try await db.open().makeCallbackEvents()
        let now = Date()
        #expect(try await events.recordFirst("feishu:ev-1", now: now))
        #expect(try await !events.recordFirst("feishu:ev-1", now: now))
        #expect(try await events.recordFirst("feishu:ev-2", now: now))
        let reopened = try await db.open().makeCallbackEvents()
        #expect(try await !reopened.recordFirst("feishu:ev-1", now: now.addingTimeInterval(3600)))
        #expect(try await reopened.count() == 2)
    }

    /// On PostgreSQL the eight deliveries come through four stores, as if to four replicas.
    @Test(arguments: Backend.allCases) func concurrentDeliveriesOfOneEventHaveOneWinner(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        var replicas: [any CallbackEventStoring] = []
        for _ in 0..<(backend == .postgres ? 4 : 1) { replicas.append(try await db.open().makeCallbackEvents()) }
        let all = replicas
        let firsts = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<8 { group.addTask { try await all[i % all.count].recordFirst("feishu:same", now: Date()) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(firsts == 1)
    }

    @Test(arguments: Backend.allCases) func rowsOlderThanTheRetentionArePrunedWhenANewOneArrives(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let events = try await db.open().makeCallbackEvents()
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
