import Foundation
import Testing
import TepaiCore
import TepaiRender
@testable import TepaiSearch

@Suite struct AnswerRenderingTests {
    let renderer: AnswerRenderer = {
        let templates = (try? TemplateSet(directory: Fixtures.root.appendingPathComponent("Templates").path))
            ?? (try? TemplateSet(strings: [:]))
        return AnswerRenderer(templates: templates!, contact: "市科技局技术市场科 0315-0000000")
    }()

    @Test func trimsOnASentenceBoundary() {
        let text = "第一句话说明条件。第二句话说明材料和流程，比较长一些。第三句。"
        let cut = TextTrimmer.trim(text, toCharacters: 20)
        #expect(cut == "第一句话说明条件。…")
        #expect(TextTrimmer.trim("短句。", toCharacters: 20) == "短句。")
        // No sentence end in reach: cut at the limit with an ellipsis, never beyond it.
        let long = String(repeating: "字", count: 50)
        #expect(TextTrimmer.trim(long, toCharacters: 10).count == 10)
    }

    @Test func eventRepliesCarryTimePlaceDeadlineAndEndedMark() throws {
        let engine = Fixtures.engine()
        let upcoming = engine.search("迁西下个月有啥培训", today: Fixtures.today)
        let text = try renderer.render(upcoming)
        #expect(text.contains("【培训】迁西县2026年12月科技特派员果树冬季管理技术培训"))
        #expect(text.contains("时间：2026年12月8日 09:00"))
        #expect(text.contains("地点：迁西县科技局会议室"))
        #expect(text.contains("报名截止：2026年12月5日"))
        #expect(!text.contains("已结束"))

        let past = engine.search("迁西板栗培训", today: Fixtures.today)
        #expect(try renderer.render(past).contains("（已结束）"))
    }

    @Test func declinedRepliesOfferTheContact() throws {
        let engine = Fixtures.engine()
        let text = try renderer.render(engine.search("驾驶证到期怎么换证", today: Fixtures.today))
        #expect(text.contains("0315-0000000"))
        #expect(text.contains("驾驶证到期怎么换证"))
    }

    @Test func brokenTemplatesFailAtLoadWithFileAndLine() {
        #expect {
            try TemplateSet(strings: ["answer": "第一行\n{{#answer}}\n{{/question}}\n"])
        } throws: { error in
            guard let e = error as? TemplateError else { return false }
            return e.file == "answer" && e.line == 3
        }
    }
}

@Suite struct SummaryTests {
    @Test func summariesAreOneLineAndCutOnASentence() {
        #expect(TextTrimmer.summary("第一句。\n\n  第二句。", toCharacters: 80) == "第一句。 第二句。")
        let long = "为支持企业创新，本市对研发投入给予补助。补助按上年度研发费用的一定比例计算，最高不超过一百万元，分年度拨付。"
        let s = TextTrimmer.summary(long, toCharacters: 40)
        #expect(s == "为支持企业创新，本市对研发投入给予补助。…")
        #expect(s.count <= 41)
        // No sentence end in reach: cut at the limit with an ellipsis.
        let run = String(repeating: "技", count: 100)
        #expect(TextTrimmer.summary(run, toCharacters: 10) == String(repeating: "技", count: 9) + "…")
        #expect(TextTrimmer.summary("短。", toCharacters: 10) == "短。")
    }
}
