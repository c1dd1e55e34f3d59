import Foundation
import Testing
import TepaiCore
import TepaiSources
import TepaiStore

@Suite struct PollerServiceTests {
    @Test func theServicePollsOnItsIntervalAndABrokenSourceDoesNotStopIt() async throws {
        let dir = try tempFolder()
        let store = try freshStore()
        // Intervals below the configured minimum are only possible in code: they keep the test short.
        let good = SourceConfig(name: "drop", type: .folder, path: dir.path, intervalSeconds: 1)
        let broken = SourceConfig(name: "gone", type: .folder, path: dir.appendingPathComponent("missing").path, intervalSeconds: 1)
        let service = SourcePollerService(poller: poller([broken, good], store: store), logger: quietLogger)
        let task = Task { try await service.run() }
        defer { task.cancel() }

        try #"[{"id":"late","kind":"notice","title":"通知","body":"正文。"}]"#.write(to: dir.appendingPathComponent("late.json"), atomically: true, encoding: .utf8)
        var found = false
        for _ in 0..<50 where !found {
            try await Task.sleep(for: .milliseconds(100))
            found = try await store.entry(id: "late") != nil
        }
        #expect(found)
        let states = SourceStateStore(store: store)
        #expect(try await states.state(source: "gone")?.lastError?.contains("does not exist") == true)
        #expect(try await states.state(source: "drop")?.lastError == nil)
        task.cancel()
        _ = await task.result
    }
}
