import Foundation
import Testing
import TepaiCore
@testable import TepaiSearch

/// Wording met first on a knowledge base nobody tuned on (seeds e): a generic 活动 inside a name or with a
/// time, a one-character function word inside a word, and a word the store does not know next to a typo-like pair.
@Suite struct UnseenWordingTests {
    static let entries: [Entry] = [
        Entry(id: "kp-week", kind: .faq, title: "科技活动周是什么时候？单位怎么参与？",
              body: "科技活动周每年5月举办。单位在活动周前向县科技部门申报活动项目，纳入全市活动安排。", tags: ["科普", "科技活动周"]),
        Entry(id: "kp-training", kind: .training, title: "路南区2026年12月科普讲解员能力提升培训",
              body: "面向科普场馆讲解员的培训。", tags: ["科普", "培训"], region: "路南区", date: LocalDate("2026-12-09"),
              startsAt: LocalDateTime("2026-12-09T09:00")),
        Entry(id: "talent", kind: .faq, title: "市科技领军人才怎么评选？",
              body: "每两年评选一次，由单位推荐、专家评审后公示。", tags: ["科技人才", "领军人才"]),
        Entry(id: "rd-staff", kind: .faq, title: "研发人员工资能加计扣除吗？", body: "直接从事研发活动人员的工资薪金可以加计扣除。",
              tags: ["加计扣除"], aliases: ["加计扣除科技人员工资吗"]),
    ] + Fixtures.entries

    static let engine = Fixtures.engine(entries)

    func analyze(_ q: String) -> AnalyzedQuery { Self.engine.analyzer.analyze(q, index: Self.engine.index, today: Fixtures.today) }

    @Test func activitiesWithATimeAskForEventsAndOutrankAnFAQThatMentionsThem() {
        let o = Self.engine.search("近期有啥科普活动", today: Fixtures.today)
        #expect(!o.declined && o.hits.first?.entry.id == "kp-training")
    }

    @Test func aBareActivityWordDoesNotCountAgainstAnEntryThatIsNoEvent() {
        let o = Self.engine.search("科技活动周怎么申报", today: Fixtures.today)
        #expect(!o.declined && o.hits.first?.entry.id == "kp-week")
    }

    @Test func aOneCharacterFunctionWordInsideAWordStaysInIt() {
        // 才 (only then) is a function word; in 科技人才 it is half of 人才.
        #expect(analyze("科技人才评选").units.map(\.text) == ["科技人才", "评选"])
        #expect(analyze("科技人才才评选").units.map(\.text) == ["科技人才", "评选"])
    }

    @Test func noTypoIsMendedNextToACharacterTheStoreNeverUses() {
        // 杰 appears in no entry: 杰出 is an unknown word, not 出 mistyped for the 除 of 扣除科技 (an alias).
        #expect(analyze("杰出科技人才评选").corrections.isEmpty)
        // Control: a real typo between known characters is still mended.
        #expect(analyze("科技领君人才评选").corrections == ["君→军"])
    }

    @Test func anEntryThatCoversTheQuestionTakesThePlaceOfOneThatSharesOnlyItsIntentWord() {
        let entries = [
            Entry(id: "tc-time", kind: .faq, title: "技术合同登记有时间限制吗？多久能办完？",
                  body: "合同签订后即可申请登记，材料齐全的5个工作日内办完。", tags: ["技术合同", "登记时限"]),
            Entry(id: "xm-delay", kind: .faq, title: "项目到期完不成任务，可以延期验收吗？",
                  body: "项目执行期满前三个月可申请延期一次，最长一年；到期后三个月内应申请验收。", tags: ["科技项目", "验收"]),
        ]
        let q = "项目到期多久内得验收"
        // A strong intent bonus puts the title with 多久 first, as a larger store's idf did in the seed data.
        var on = RankingTuning()
        on.intentBonus = 6
        let o = Fixtures.engine(entries, tuning: on).search(q, today: Fixtures.today)
        #expect(!o.declined && o.hits.first?.entry.id == "xm-delay")
        // Control: without the promotion the entry that shares only 多久 stays first, and the bot declines.
        var off = on
        off.coveringScoreRatio = 2
        off.fullCoverScoreRatio = 2
        let without = Fixtures.engine(entries, tuning: off).search(q, today: Fixtures.today)
        #expect(without.declined && without.hits.first?.entry.id == "tc-time")
    }
}
