import Foundation
import Testing
@testable import TepaiDelivery

@Suite struct MessageSplitterTests {
    @Test func everyPartFitsInBytesAndIsNumbered() {
        let blocks = (1...40).map { MessageBlock("\($0). 技术合同认定登记培训通知：报名截止12月5日，地点市政务服务中心二楼。") }
        let parts = MessageSplitter(limit: 600).split(title: "【本周科技政策】", blocks: blocks)
        #expect(parts.count > 1)
        for (i, p) in parts.enumerated() {
            #expect(p.utf8.count <= 600)
            #expect(p.hasPrefix("【本周科技政策】 (\(i + 1)/\(parts.count))"))
        }
        // Nothing lost, nothing repeated, order kept.
        let items = parts.flatMap { $0.split(separator: "\n").dropFirst() }.filter { !$0.isEmpty }
        #expect(items.count == 40)
        #expect(items.first?.hasPrefix("1.") == true && items.last?.hasPrefix("40.") == true)
    }

    @Test func aSinglePartIsNotNumbered() {
        let parts = MessageSplitter(limit: 4096).split(title: "标题", blocks: [MessageBlock("一条。")])
        #expect(parts == ["标题\n一条。"])
    }

    @Test func anOversizedBlockIsTrimmedOnASentenceWithALink() {
        let long = String(repeating: "高新技术企业认定需要满足八项条件。", count: 40)
        let parts = MessageSplitter(limit: 300).split(title: "", blocks: [MessageBlock(long, url: "https://kjj.example.gov.cn/a")])
        #expect(parts.count == 1)
        #expect(parts[0].utf8.count <= 300)
        #expect(parts[0].hasSuffix("。…\n全文：https://kjj.example.gov.cn/a"))
    }

    @Test func neverCutsInsideAMarkdownLink() {
        let text = "说明文字没有句号" + String(repeating: "字", count: 60) + "[查看高新技术企业认定管理办法全文](https://kjj.example.gov.cn/very/long/path/to/the/document)后文"
        let out = MessageSplitter(limit: 260).fit(MessageBlock(text), budget: 260)
        #expect(!out.contains("["))
        #expect(out.hasSuffix("…"))
        #expect(out.utf8.count <= 260)
    }
}

@Suite struct RenderedMessageTests {
    @Test func firstLineIsTheTitleAndBlankLinesSeparateBlocks() {
        let m = RenderedMessage("\n### 标题  \n\n1. 第一条\n详情：a\n \n\n2. 第二条\r\n\n")
        #expect(m.title == "### 标题")
        #expect(m.blocks == ["1. 第一条\n详情：a", "2. 第二条"])
        #expect(RenderedMessage("").title == "" && RenderedMessage("").blocks.isEmpty)
    }
}
