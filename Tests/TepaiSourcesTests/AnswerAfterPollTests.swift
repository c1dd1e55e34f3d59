import Foundation
import Logging
import Testing
import TepaiCore
import TepaiRender
import TepaiSearch
import TepaiSources
import TepaiStore
import TepaiServer

/// A polled change must be answerable: the daemon rebuilds the answer index when a poll stored something.
@Suite(.serialized) struct AnswerAfterPollTests {
    static var root: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return url
    }

    static func answers(_ store: SQLiteStore) async throws -> AnswerService {
        let config = TepaiConfig()
        let lexicon = try Lexicon.load(path: root.appendingPathComponent("config/lexicon.yaml").path)
        let templates = try TemplateSet(directory: root.appendingPathComponent("Templates").path)
        // An hour between revision checks: only the poller's hook can make the new entry visible in time.
        return try await AnswerService(
            store: store, analyzer: QueryAnalyzer(lexicon: lexicon, regions: config.regionCatalog, pinyin: PinyinTable()),
            renderer: AnswerRenderer(templates: templates, contact: "市科技局"),
            clock: TepaiClock(timeZone: shanghai, pinned: LocalDateTime("2026-03-10T09:00")), logger: quietLogger,
            refreshInterval: .seconds(3600))
    }

    @Test func aPolledFeedItemIsAnsweredAtOnce() async throws {
        let peer = FeedPeer()
        try await peer.start()
        defer { peer.stop() }
        let store = try freshStore()
        _ = try await store.upsert([Entry(id: "other", kind: .faq, title: "科技型中小企业评价入库", body: "网上填报。", region: "市级")])
        let answers = try await Self.answers(store)
        let question = "技术合同怎么登记"
        #expect(try await answers.answer(question).results.first?.title != "技术合同认定登记办事指南")

        peer.serve("/rss.xml", FeedSourceTests.rss(["""
            <item><title>技术合同认定登记办事指南</title><guid>tc-guide</guid>
            <description>技术合同登记到市技术合同登记站办理，也可网上登记。</description><category>技术合同</category></item>
            """]))
        let source = SourceConfig(name: "kjj", type: .rss, url: peer.url("/rss.xml"), tags: ["登记"])
        let p = poller([source], store: store, onChange: { try? await answers.refresh() })
        let report = await p.poll(source)
        #expect(report.added == 1)

        let reply = try await answers.answer(question)
        #expect(reply.results.first?.id == FeedItemMapper.entryID(source: "kjj", key: "tc-guide"))
        #expect(!reply.declined)
        #expect(reply.answer.contains("技术合同认定登记办事指南"))
    }
}
