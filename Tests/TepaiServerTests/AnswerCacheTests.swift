import Foundation
import Testing
import TepaiCore
import TepaiStore
@testable import TepaiServer

@Suite struct AnswerCacheTests {
    @Test func aChangedStoreIsNeverAnsweredFromTheCache() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-cache-\(UUID().uuidString).sqlite").path
        let store = try SQLiteStore(path: path)
        let service = try await LiveServerTests.service(entries: LiveServerTests.entries, store: store, refreshInterval: .seconds(3600))
        let first = try await service.answer("高企认定条件")
        #expect(first.results.first?.id == "hte-cond")
        #expect(service.cache.count == 1)
        #expect(try await service.answer("高企认定条件") == first)
        #expect(service.cache.count == 1)                                  // the same question: served from the cache
        #expect(try await service.answer("高企认定条件", limit: 1) != first)  // another limit is another answer
        #expect(service.cache.count == 2)
        try await service.refresh()
        #expect(service.cache.count == 2)                                  // nothing changed: the cache stays

        var changed = LiveServerTests.entries[1]
        changed.title = "高新技术企业认定条件（2026年修订）"
        _ = try await store.upsert([changed])
        try await service.refresh()
        #expect(service.cache.count == 0)                                  // the store moved: all answers dropped
        let after = try await service.answer("高企认定条件")
        #expect(after.results.first?.title == changed.title, "\(after)")
    }

    @Test func theCacheStaysBounded() {
        let cache = AnswerCache(capacity: 4)
        let r = QueryResponse(query: "q", declined: true, results: [], answer: "a")
        let keys = (0..<10).map { AnswerCache.Key(text: "q\($0)", limit: 3, day: "2026-11-23", generation: 0) }
        for k in keys { cache.put(k, r) }
        #expect(cache.get(keys[9]) != nil && cache.get(keys[8]) != nil)
        #expect(cache.get(keys[0]) == nil && cache.get(keys[5]) == nil)
    }
}
