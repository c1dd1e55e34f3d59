import Foundation
import Testing
import TepaiCore
import TepaiSources
import TepaiStore

/// RSS, Atom and JSON feeds served over real HTTP on 127.0.0.1, fetched through libcurl, stored in SQLite.
@Suite(.serialized) struct FeedSourceTests {
    static func rss(_ items: [String]) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>市科技局</title>
        \(items.joined(separator: "\n"))
        </channel></rss>
        """
    }

    static let hte = """
        <item><title>关于开展2026年度高新技术企业认定工作的通知</title><link>https://kjj.example.gov.cn/p/1.html</link>
        <guid isPermaLink="true">https://kjj.example.gov.cn/p/1.html</guid>
        <description><![CDATA[<p>各县（市、区）科技局：<br/>现将<b>高新技术企业</b>认定工作通知如下&nbsp;&amp;&#26032;</p><script>track()</script>]]></description>
        <pubDate>Sun, 01 Mar 2026 17:30:00 GMT</pubDate><category>高企</category><category>认定</category></item>
        """
    static func contract(_ body: String) -> String {
        """
        <item><title>技术合同登记办事指南</title><link>https://kjj.example.gov.cn/p/2.html</link>
        <description>\(body)</description><pubDate>Mon, 02 Mar 2026 09:00:00 +0800</pubDate></item>
        """
    }
    static let noTitle = "<item><description>没有标题的条目</description><link>https://kjj.example.gov.cn/p/3.html</link></item>"
    static let noKey = "<item><title>没有链接也没有编号</title><description>正文</description></item>"

    static func rssSource(_ peer: FeedPeer) -> SourceConfig {
        SourceConfig(name: "kjj-rss", type: .rss, url: peer.url("/rss.xml"), tags: ["政策文件"])
    }

    @Test func rssConditionalGetStoresOnceThen304WritesNothing() async throws {
        let peer = FeedPeer()
        try await peer.start()
        defer { peer.stop() }
        peer.serve("/rss.xml", Self.rss([Self.hte, Self.contract("到市技术合同登记站办理。"), Self.noTitle, Self.noKey]))
        let store = try freshStore()
        let capture = LogCapture()
        let source = Self.rssSource(peer)
        let p = poller([source], store: store, logger: capture.logger)

        let first = await p.poll(source)
        #expect(first.error == nil)
        #expect(first.added == 2)
        #expect(first.skipped.map(\.location) == ["item 3", "item 4"])
        #expect(first.skipped[0].reason == "no title")
        #expect(first.skipped[1].reason.contains("no link and no guid"))
        // Every skipped item is logged with its source, position and reason.
        #expect(capture.messages.contains { $0.contains("source item skipped") && $0.contains("source=kjj-rss") && $0.contains("item=item 3") && $0.contains("no title") })
        #expect(peer.requests("/rss.xml").first?.ifNoneMatch == nil)

        let id = FeedItemMapper.entryID(source: "kjj-rss", key: "https://kjj.example.gov.cn/p/1.html")
        #expect(id.hasPrefix("kjj-rss-") && id.count == "kjj-rss-".count + 12)
        let entry = try #require(try await store.entry(id: id))
        #expect(entry.kind == .policy)
        #expect(entry.region == "市级")
        #expect(entry.title == "关于开展2026年度高新技术企业认定工作的通知")
        #expect(entry.body == "各县（市、区）科技局：\n现将高新技术企业认定工作通知如下 &新")
        #expect(entry.tags == ["政策文件", "高企", "认定"])
        #expect(entry.url == "https://kjj.example.gov.cn/p/1.html")
        // 17:30 GMT on 1 March is 01:30 on 2 March in Shanghai.
        #expect(entry.date == LocalDate("2026-03-02"))
        let revision = try await store.revision()
        let hashes = try await contentHashes(store)

        let second = await p.poll(source)
        #expect(second.notModified)
        #expect(second.added + second.updated + second.unchanged == 0)
        let sent = try #require(peer.requests("/rss.xml").last)
        #expect(sent.ifNoneMatch == "\"v1\"")
        #expect(sent.ifModifiedSince != nil)
        #expect(sent.status == 304)
        #expect(try await store.revision() == revision)
        #expect(try await contentHashes(store) == hashes)
        let state = try #require(try await SourceStateStore(store: store).state(source: "kjj-rss"))
        #expect(state.etag == "\"v1\"")
        #expect(state.itemCount == 2)
        #expect(state.lastError == nil)

        // One item changes, one is new: the changed one gets a new content_hash, the new one lands.
        let newItem = "<item><title>科技型中小企业评价入库</title><guid isPermaLink=\"false\">kjj-2026-007</guid><description>评价入库说明</description></item>"
        peer.serve("/rss.xml", Self.rss([Self.hte, Self.contract("到市技术合同登记站或网上办理。"), newItem]))
        let third = await p.poll(source)
        #expect(third.added == 1)
        #expect(third.updated == 1)
        #expect(third.unchanged == 1)
        #expect(peer.requests("/rss.xml").last?.ifNoneMatch == "\"v1\"")
        #expect(peer.requests("/rss.xml").last?.status == 200)
        let after = try await contentHashes(store)
        let contractID = FeedItemMapper.entryID(source: "kjj-rss", key: "https://kjj.example.gov.cn/p/2.html")
        #expect(after[contractID] != nil && after[contractID] != hashes[contractID])
        #expect(after[id] == hashes[id])
        let added = try #require(try await store.entry(id: FeedItemMapper.entryID(source: "kjj-rss", key: "kjj-2026-007")))
        #expect(added.url == nil)
        #expect(added.date == nil)
        #expect(try await store.revision() > revision)
        #expect(try await SourceStateStore(store: store).state(source: "kjj-rss")?.etag == "\"v2\"")
    }

    @Test func atomWithOnlyLastModifiedMapsKindRegionLinksAndXHTML() async throws {
        let peer = FeedPeer()
        try await peer.start()
        defer { peer.stop() }
        let atom = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>迁西县科技局</title><id>urn:qx</id><updated>2026-03-01T00:00:00Z</updated>
            <link rel="self" href="/atom.xml"/>
            <entry><title type="html">迁西县果树管理&lt;b&gt;培训&lt;/b&gt;</title><link rel="edit" href="/edit/1"/><link rel="alternate" href="/t/1.html"/>
              <id>urn:uuid:qx-1</id><updated>2026-03-05T10:00:00+08:00</updated>
              <summary type="html">&lt;p&gt;时间：3月10日&lt;/p&gt;&lt;p&gt;地点：县科技局&lt;/p&gt;</summary><category term="果树"/></entry>
            <entry><title>科技特派员经验交流</title><link href="https://kjj.example.gov.cn/t/2.html"/><id>urn:uuid:qx-2</id>
              <published>2026-03-04T23:30:00Z</published><updated>2026-03-06T08:00:00Z</updated>
              <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>第一段</p><p>第二段</p></div></content></entry>
            </feed>
            """
        peer.serve("/atom.xml", atom, contentType: "application/atom+xml", etag: false)
        let store = try freshStore()
        let source = SourceConfig(name: "qx-atom", type: .rss, url: peer.url("/atom.xml"), kind: .training, region: "迁西县", tags: ["特派员"])
        let p = poller([source], store: store)

        let first = await p.poll(source)
        #expect(first.error == nil)
        #expect(first.added == 2)
        let training = try #require(try await store.entry(id: FeedItemMapper.entryID(source: "qx-atom", key: "urn:uuid:qx-1")))
        #expect(training.title == "迁西县果树管理培训")
        #expect(training.kind == .training)
        #expect(training.region == "迁西县")
        #expect(training.url == peer.url("/t/1.html"))
        #expect(training.body == "时间：3月10日\n地点：县科技局")
        #expect(training.tags == ["特派员", "果树"])
        #expect(training.date == LocalDate("2026-03-05"))
        let exchange = try #require(try await store.entry(id: FeedItemMapper.entryID(source: "qx-atom", key: "urn:uuid:qx-2")))
        #expect(exchange.body == "第一段\n第二段")
        // published wins over updated; 23:30 UTC is the next morning in Shanghai.
        #expect(exchange.date == LocalDate("2026-03-05"))

        let second = await p.poll(source)
        #expect(second.notModified)
        let sent = try #require(peer.requests("/atom.xml").last)
        #expect(sent.ifNoneMatch == nil)
        #expect(sent.ifModifiedSince == "Wed, 25 Feb 2026 06:14:20 GMT")
        #expect(sent.status == 304)
    }

    @Test func jsonFeedAndOwnSchemaSkipBrokenItemsAndKeepTheRest() async throws {
        let peer = FeedPeer()
        try await peer.start()
        defer { peer.stop() }
        peer.serve("/feed.json", """
            {"version": "https://jsonfeed.org/version/1.1", "title": "对接会", "items": [
              {"id": "fair-1", "url": "https://kjj.example.gov.cn/f/1", "title": "成果对接会报名",
               "content_html": "<p>报名截止<em>3月20日</em></p>", "date_published": "2026-03-06T09:00:00+08:00", "tags": ["对接会"]},
              {"id": "fair-2", "content_text": "没有标题"},
              "not an item",
              {"id": 3, "title": "数字编号也可以", "content_text": "正文"}
            ]}
            """, contentType: "application/feed+json")
        peer.serve("/entries.json", """
            {"entries": [
              {"id": "faq-tc-where", "kind": "faq", "title": "技术合同在哪里登记？", "body": "到市技术合同登记站。", "region": "市级"},
              {"id": "bad-date", "kind": "faq", "title": "日期写错了", "body": "正文", "date": "2026-13-01"},
              {"id": "faq-hte", "kind": "policy", "title": "高企认定条件", "body": "注册一年以上。"}
            ]}
            """, contentType: "application/json")
        let store = try freshStore()
        let feed = SourceConfig(name: "fairs", type: .json, url: peer.url("/feed.json"), kind: .matching)
        let own = SourceConfig(name: "kb", type: .json, url: peer.url("/entries.json"))
        let p = poller([feed, own], store: store)
        let reports = await p.pollAll()

        #expect(reports[0].added == 2)
        #expect(reports[0].skipped.map(\.description) == ["item 2: no title", "item 3: expected an object, found text"])
        let fair = try #require(try await store.entry(id: FeedItemMapper.entryID(source: "fairs", key: "fair-1")))
        #expect(fair.kind == .matching)
        #expect(fair.body == "报名截止3月20日")
        #expect(fair.tags == ["对接会"])
        #expect(fair.date == LocalDate("2026-03-06"))
        #expect(try await store.entry(id: FeedItemMapper.entryID(source: "fairs", key: "3")) != nil)

        #expect(reports[1].added == 2)
        #expect(reports[1].skipped.count == 1)
        #expect(reports[1].skipped.first?.description == "item 2: field \"date\": \"2026-13-01\" is not a real day in YYYY-MM-DD form")
        #expect(try await store.entry(id: "faq-tc-where")?.kind == .faq)
        #expect(try await store.entry(id: "bad-date") == nil)
        #expect(try await store.count() == 4)
    }

    @Test func aFailingOrCutOffFeedStoresNothingAndIsRetried() async throws {
        let peer = FeedPeer()
        try await peer.start()
        defer { peer.stop() }
        peer.serve("/down.xml", "upstream broke", contentType: "text/plain", status: 503)
        // A document cut off in the middle: the items before the cut must not be stored.
        let whole = Self.rss([Self.hte, Self.contract("到市技术合同登记站办理。")])
        peer.serve("/broken.xml", String(whole.prefix(whole.count - 60)))
        let store = try freshStore()
        let down = SourceConfig(name: "down", type: .rss, url: peer.url("/down.xml"))
        let broken = SourceConfig(name: "cut", type: .rss, url: peer.url("/broken.xml"))
        let p = poller([down, broken], store: store)

        let reports = await p.pollAll()
        #expect(reports[0].error?.contains("HTTP 503") == true)
        #expect(reports[1].error?.contains("not a readable RSS or Atom document") == true)
        #expect(try await store.count() == 0)
        let states = SourceStateStore(store: store)
        #expect(try await states.state(source: "down")?.lastError?.contains("503") == true)
        #expect(try await states.state(source: "cut")?.etag == nil)

        // Next interval: the feed is whole again and is fetched unconditionally (no validator was kept).
        peer.serve("/broken.xml", whole)
        let retry = await p.poll(broken)
        #expect(retry.error == nil)
        #expect(retry.added == 2)
        #expect(peer.requests("/broken.xml").last?.ifNoneMatch == nil)
        #expect(try await states.state(source: "cut")?.lastError == nil)
    }
}
