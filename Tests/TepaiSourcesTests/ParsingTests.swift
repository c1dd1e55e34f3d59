import Foundation
import Testing
import TepaiCore
@testable import TepaiSources

@Suite struct ParsingTests {
    @Test func htmlBecomesPlainText() {
        #expect(HTMLText.plainText("<p>第一段&nbsp;<b>加粗</b></p><p>第二段 &lt;注&gt; &#x65b0;&#26032;</p>") == "第一段 加粗\n第二段 <注> 新新")
        #expect(HTMLText.plainText("a < b and c > d") == "a < b and c > d")
        #expect(HTMLText.plainText("<style>p{color:red}</style>正文<script>x()</script>") == "正文")
        #expect(HTMLText.plainText("AT&T &unknown; &amp") == "AT&T &unknown; &amp")
    }

    @Test func feedDatesLandOnTheirDayInTheConfiguredZone() {
        let day = { (text: String) in FeedDate.day(text, in: shanghai)?.description }
        #expect(day("Sun, 01 Mar 2026 17:30:00 GMT") == "2026-03-02")
        #expect(day("Mon, 02 Mar 2026 09:00:00 +0800") == "2026-03-02")
        #expect(day("2 Mar 2026 23:59 -0500") == "2026-03-03")
        // Chinese sites write CST for China Standard Time.
        #expect(day("Mon, 02 Mar 2026 23:30:00 CST") == "2026-03-02")
        #expect(day("2026-03-04T23:30:00Z") == "2026-03-05")
        #expect(day("2026-03-04T23:30:00.123+08:00") == "2026-03-04")
        #expect(day("2026-03-04 23:30:00") == "2026-03-04")
        #expect(day("2026-03-04") == "2026-03-04")
        #expect(day("yesterday") == nil)
        #expect(day("2026-02-30T10:00:00Z") == nil)
        let newYork = TimeZone(identifier: "America/New_York")!
        #expect(FeedDate.day("Mon, 02 Mar 2026 23:30:00 CST", in: newYork)?.description == "2026-03-03")
    }

    @Test func xmlThatIsNotAFeedIsRefused() {
        #expect(throws: SourceError.self) { try XMLFeedParser.parse(Data("<html><body>login</body></html>".utf8)) }
        #expect(throws: SourceError.self) { try XMLFeedParser.parse(Data("not xml".utf8)) }
        #expect(throws: SourceError.self) { try JSONFeedParser.parse(Data(#"{"title": "x"}"#.utf8)) }
    }

    @Test func itemIDsAreStableAndValid() throws {
        let a = FeedItemMapper.entryID(source: "kjj", key: "https://kjj.example.gov.cn/p/1.html")
        #expect(a == FeedItemMapper.entryID(source: "kjj", key: "https://kjj.example.gov.cn/p/1.html"))
        #expect(a != FeedItemMapper.entryID(source: "kjj", key: "https://kjj.example.gov.cn/p/2.html"))
        #expect(a.range(of: "^kjj-[0-9a-f]{12}$", options: .regularExpression) != nil)
        // Long titles and bodies are clipped to the schema's limits instead of losing the item.
        let source = SourceConfig(name: "kjj", type: .rss, url: "https://kjj.example.gov.cn/rss")
        let mapper = FeedItemMapper(source: source, validator: EntryValidator(knownRegions: TepaiConfig().knownRegions), timeZone: shanghai)
        let long = FeedItem(index: 1, title: String(repeating: "长", count: 400), guid: "g", content: String(repeating: "文", count: 30_000),
                            categories: (0..<80).map { "标签\($0)" })
        let mapped = mapper.map(ParsedFeed(format: .rss, items: [long, long]), feedURL: source.url)
        let entry = try #require(mapped.entries.first)
        #expect(entry.title.count == EntryValidator.maxTitleLength)
        #expect(entry.body.count == EntryValidator.maxBodyLength)
        #expect(entry.tags.count == EntryValidator.maxTagCount)
        #expect(mapped.skipped.map(\.description) == ["item 1: same id \"\(entry.id)\" as item 1"])
    }
}
