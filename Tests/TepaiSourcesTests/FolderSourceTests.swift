import Foundation
import Testing
import TepaiCore
import TepaiSources
import TepaiStore

/// A watched folder in a real temporary directory, polled into a real SQLite file.
@Suite struct FolderSourceTests {
    static func write(_ text: String, _ name: String, in dir: URL) throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    @Test func addChangeBadRecordAndMalformedFile() async throws {
        let dir = try tempFolder()
        let store = try freshStore()
        let capture = LogCapture()
        let source = SourceConfig(name: "drop", type: .folder, path: dir.path, intervalSeconds: 2)
        let p = poller([source], store: store, logger: capture.logger)

        // A new file lands.
        try Self.write(#"[{"id":"tc","kind":"faq","title":"技术合同怎么登记","body":"到登记站办理。","region":"市级"}]"#, "a.json", in: dir)
        let first = await p.poll(source)
        #expect(first.error == nil)
        #expect(first.added == 1 && first.filesRead == 1)
        let hash1 = try await contentHashes(store)["tc"]

        // Unchanged: not even read again.
        let idle = await p.poll(source)
        #expect(idle.filesRead == 0 && idle.filesUnchanged == 1 && idle.added + idle.updated + idle.unchanged == 0)

        // Changed: the entry is updated through the store, its content_hash moves.
        try Self.write(#"[{"id":"tc","kind":"faq","title":"技术合同怎么登记","body":"到市登记站或网上办理。","region":"市级"}]"#, "a.json", in: dir)
        let changed = await p.poll(source)
        #expect(changed.updated == 1)
        let hash2 = try await contentHashes(store)["tc"]
        #expect(hash2 != nil && hash2 != hash1)
        #expect(try await store.entry(id: "tc")?.body == "到市登记站或网上办理。")

        // One bad record among good ones: the good ones land, the bad one is named by file, line and field.
        try Self.write("""
            {"id":"g1","kind":"faq","title":"高企认定条件","body":"注册一年以上。"}
            {"id":"g2","kind":"training","title":"迁西县培训","body":"果树管理。","region":"迁西","date":"2026-03-10"}
            {"id":"g3","kind":"notice","title":"放假通知","body":"正文。"}

            """, "b.jsonl", in: dir)
        let mixed = await p.poll(source)
        #expect(mixed.added == 2)
        #expect(mixed.skipped.count == 1)
        let bad = try #require(mixed.skipped.first)
        #expect(bad.location == dir.appendingPathComponent("b.jsonl").path + ", line 2")
        #expect(bad.reason.hasPrefix("field \"region\": unknown region \"迁西\""))
        #expect(try await store.entry(id: "g1") != nil)
        #expect(try await store.entry(id: "g3") != nil)
        #expect(try await store.entry(id: "g2") == nil)
        #expect(capture.messages.contains { $0.contains("source record skipped") && $0.contains("b.jsonl") && $0.contains("field=region") && $0.contains("record=line(2)") })

        // A malformed file imports nothing, and is read again once it is fixed.
        let count = try await store.count()
        try Self.write("entries:\n  - {id: y1, kind: faq, title: 问题, body: 回答}\n  - {id: y2, kind: faq, title: [unclosed\n", "c.yaml", in: dir)
        let malformed = await p.poll(source)
        #expect(malformed.error == nil)
        #expect(malformed.added == 0)
        #expect(malformed.skipped.first?.location == dir.appendingPathComponent("c.yaml").path)
        #expect(malformed.skipped.first?.reason.contains("not valid YAML") == true)
        #expect(try await store.count() == count)
        #expect(capture.messages.contains { $0.contains("source file refused") && $0.contains("c.yaml") })
        // Same bytes: still refused, not logged again.
        let logged = capture.messages.count
        let again = await p.poll(source)
        #expect(again.skipped.first?.reason.hasPrefix("unchanged since it was refused") == true)
        #expect(capture.messages.filter { $0.contains("source file refused") }.count == 1)
        #expect(capture.messages.count == logged)
        try Self.write("entries:\n  - {id: y1, kind: faq, title: 问题, body: 回答}\n  - {id: y2, kind: faq, title: 问题二, body: 回答二}\n", "c.yaml", in: dir)
        let fixed = await p.poll(source)
        #expect(fixed.added == 2 && fixed.skipped.isEmpty)
        #expect(try await SourceStateStore(store: store).state(source: "drop")?.itemCount == 5)
    }

    @Test func aHalfWrittenJSONLinesFileIsNotHalfStored() async throws {
        let dir = try tempFolder()
        let store = try freshStore()
        let source = SourceConfig(name: "drop", type: .folder, path: dir.path)
        let p = poller([source], store: store)
        let lines = [#"{"id":"h1","kind":"faq","title":"问题一","body":"回答一。"}"#, #"{"id":"h2","kind":"faq","title":"问题二","body":"回答二。"}"#]
        // The writer has put down the first line and half of the second.
        try Self.write(lines[0] + "\n" + lines[1].prefix(20), "part.jsonl", in: dir)
        let half = await p.poll(source)
        #expect(half.added == 0)
        #expect(half.skipped.first?.reason.contains("cut off") == true)
        #expect(try await store.count() == 0)
        try Self.write(lines.joined(separator: "\n") + "\n", "part.jsonl", in: dir)
        let whole = await p.poll(source)
        #expect(whole.added == 2)
    }

    @Test func aFileStillBeingWrittenWaitsAndHiddenFilesAreIgnored() async throws {
        let dir = try tempFolder()
        let store = try freshStore()
        let source = SourceConfig(name: "drop", type: .folder, path: dir.path)
        let p = poller([source], store: store, settle: 60)
        try Self.write(#"[{"id":"w1","kind":"faq","title":"问题","body":"回答。"}]"#, "fresh.json", in: dir)
        try Self.write(#"[{"id":"hidden","kind":"faq","title":"问题","body":"回答。"}]"#, ".editor-tmp.json", in: dir)
        let early = await p.poll(source)
        #expect(early.filesDeferred == 1)
        #expect(try await store.count() == 0)
        // An hour later the file has settled.
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)],
                                              ofItemAtPath: dir.appendingPathComponent("fresh.json").path)
        let later = await p.poll(source)
        #expect(later.added == 1)
        #expect(try await store.allEntries().map(\.id) == ["w1"])
    }

    @Test func aMissingFolderFailsThePollAndIsRemembered() async throws {
        let store = try freshStore()
        let source = SourceConfig(name: "gone", type: .folder, path: "/nonexistent/tepai-drop")
        let report = await poller([source], store: store).poll(source)
        #expect(report.error == "folder /nonexistent/tepai-drop does not exist")
        #expect(try await SourceStateStore(store: store).state(source: "gone")?.lastError == report.error)
    }
}
