import Testing
import TepaiCore
@testable import TepaiSearch

@Suite struct RankingAndDeclineTests {
    let engine = Fixtures.engine()

    func top(_ q: String) -> String? {
        let o = engine.search(q, today: Fixtures.today)
        return o.declined ? nil : o.hits.first?.entry.id
    }

    @Test func answersColloquialAbbreviatedAndMistypedQuestions() {
        #expect(top("技术合同咋登记") == "tc-where")
        #expect(top("高企认定要啥条件") == "hte-cond")
        #expect(top("科小怎么评") == "sme-eval")
        #expect(top("技术合同登计") == "tc-where")
        #expect(top("技术开发免增值税吗") == "tc-vat")
    }

    @Test func eventListsPutUpcomingEventsOfTheAskedPlaceAndMonthFirst() {
        let o = engine.search("迁西下个月有啥培训", today: Fixtures.today)
        #expect(!o.declined)
        #expect(o.hits.map(\.entry.id) == ["trn-qianxi-dec"])
        // No training in 遵化 next month: say so rather than list something else.
        #expect(engine.search("遵化下个月有啥培训", today: Fixtures.today).declined)
    }

    @Test func askingWhichActivitiesThereAreIsAnEventQuestionWithoutATime() {
        let entries = [
            Entry(id: "plan", kind: .policy, title: "科技支撑双碳行动方案", body: "围绕双碳目标开展双碳科技攻关，推广双碳技术和示范应用。", tags: ["双碳"]),
            Entry(id: "course", kind: .training, title: "双碳技术推广培训会", body: "介绍绿色低碳技术。", tags: ["双碳", "培训"],
                  region: "丰润区", date: LocalDate("2026-12-10"), startsAt: LocalDateTime("2026-12-10T09:00")),
        ]
        let engine = Fixtures.engine(Fixtures.entries + entries)
        func asks(_ q: String) -> Bool { engine.analyzer.analyze(q, index: engine.index, today: Fixtures.today).slots.asksWhichEvents }
        #expect(asks("双碳方面有啥活动") && asks("双碳有活动吗") && asks("有哪些活动"))
        // 活动 in a name, or without a question about it, is not such a question.
        #expect(!asks("研发活动怎么归集") && !asks("双碳活动方案"))
        let o = engine.search("双碳方面有啥活动", today: Fixtures.today)
        #expect(!o.declined && o.hits.first?.entry.id == "course")
    }

    /// Two entries that match a placeless question alike: the city's scheme answers it, not one county's top-up;
    /// a question naming the county still gets the county's rule.
    @Test func aPlacelessQuestionGetsTheCityRuleBeforeACountyRule() {
        let entries = [
            Entry(id: "county", kind: .policy, title: "开平区企业研究生工作站建设补助办法", body: "开平区对企业研究生工作站给予建设补助。",
                  tags: ["企业研究生工作站"], region: "开平区"),
            Entry(id: "city", kind: .policy, title: "市级企业研究生工作站建设补助管理办法", body: "市科技局对企业研究生工作站给予建设补助。",
                  tags: ["企业研究生工作站"], region: "市级"),
        ]
        let engine = Fixtures.engine(Fixtures.entries + entries)
        // Placed first, the county's rule wins every tie unless a county rule is ranked lower without a place.
        #expect(engine.search("企业研究生工作站建设补助", today: Fixtures.today).hits.first?.entry.id == "city")
        #expect(engine.search("开平企业研究生工作站建设补助", today: Fixtures.today).hits.first?.entry.id == "county")
        var flat = RankingTuning()
        flat.unaskedCountyPenalty = 1
        #expect(Fixtures.engine(Fixtures.entries + entries, tuning: flat).search("企业研究生工作站建设补助", today: Fixtures.today).hits.first?.entry.id == "county")
    }

    @Test func questionsInTraditionalCharactersOrWithEmoticonsFindTheSameEntry() {
        #expect(top("技術合同在哪裡辦理") == "tc-where")
        #expect(top("高企认定需要什么条件[微笑]") == "hte-cond")
    }

    @Test func aBareEventQuestionListsUpcomingEventsSoonestFirstAndPastOnesOnlyForAPeriod() {
        let upcoming = engine.search("有啥培训", today: Fixtures.today, limit: 5).hits
        #expect(upcoming.map(\.entry.id) == ["trn-qianxi-dec", "trn-city-hte-feb"])
        // A period brings past events of that period in, most recent first, after the upcoming ones.
        let november = ["11-28", "11-10", "11-25", "11-20"].map { day in
            Entry(id: "trn-\(day)", kind: .training, title: "科技特派员培训", body: "培训。", region: "市级", date: LocalDate("2026-\(day)"))
        }
        let month = Fixtures.engine(november).search("这个月有啥培训", today: Fixtures.today, limit: 5).hits
        #expect(month.map(\.entry.id) == ["trn-11-25", "trn-11-28", "trn-11-20", "trn-11-10"])
        #expect(month.map(\.ended) == [false, false, true, true])
    }

    /// Sibling FAQs of one topic: the title of 职责 shares a character with the question, the body of 选派 holds
    /// its word. The answer goes to the entry covering more of the question; the decline decision is unchanged.
    @Test func ofTwoSiblingsTheOneCoveringTheWholeQuestionAnswers() {
        var siblings = [
            Entry(id: "tpy-duty", kind: .faq, title: "科技特派员要承担哪些职责？",
                  body: "科技特派员深入农村和企业开展技术咨询、指导和培训，特派员每年服务时间不少于30天。", tags: ["科技特派员"]),
            Entry(id: "tpy-select", kind: .faq, title: "科技特派员是怎么选派的？",
                  body: "由县级科技部门组织推荐，个人自愿报名，单位同意后上报。报名人员一般应熟悉农业生产，具有中级以上专业技术职称，经审核后公布名单，聘期两年。", tags: ["科技特派员"]),
        ]
        // Other entries speak of 职称 too, so the word weighs little in BM25 against 特派员.
        let others = (1...2).map { i in
            Entry(id: "other-\(i)", kind: .policy, title: "第\(i)批专业技术职称评审通知", body: "职称评审工作安排。")
        }
        siblings += others
        var without = RankingTuning()
        without.wholeBonus = 0
        let plain = Fixtures.engine(siblings, tuning: without).search("特派员要什么职称", today: Fixtures.today)
        let whole = Fixtures.engine(siblings).search("特派员要什么职称", today: Fixtures.today)
        #expect(plain.hits.first?.entry.id == "tpy-duty")
        #expect(whole.hits.first?.entry.id == "tpy-select")
        for q in ["特派员要什么学历", "消防验收怎么办"] {
            #expect(Fixtures.engine(siblings).search(q, today: Fixtures.today).declined == Fixtures.engine(siblings, tuning: without).search(q, today: Fixtures.today).declined)
        }
        #expect(Fixtures.engine(siblings).search("特派员要什么学历", today: Fixtures.today).declined)
    }

    @Test func partialSelectionMatchesSorting() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let values = (0..<Int.random(in: 0...40, using: &generator)).map { _ in Int.random(in: 0...9, using: &generator) }
            let pairs = Array(values.enumerated())
            for k in [0, 1, 5, 50] {
                let less = { (a: (offset: Int, element: Int), b: (offset: Int, element: Int)) in (a.element, a.offset) < (b.element, b.offset) }
                #expect(pairs.smallest(k, by: less).map(\.offset) == Array(pairs.sorted(by: less).prefix(k)).map(\.offset))
            }
        }
    }

    @Test func upcomingEventsRankAbovePastOnesOfTheSameTopic() {
        let o = engine.search("高企申报培训", today: Fixtures.today)
        let ids = o.hits.map(\.entry.id)
        let upcoming = ids.firstIndex(of: "trn-city-hte-feb")
        let past = ids.firstIndex(of: "trn-city-hte-sep")
        #expect(upcoming != nil && past != nil && upcoming! < past!)
        #expect(o.hits.first { $0.entry.id == "trn-city-hte-sep" }?.ended == true)
    }

    @Test func declinesOffTopicQuestionsThatShareWords() {
        #expect(top("消防验收怎么办") == nil)
        #expect(top("驾驶证到期怎么换证") == nil)
        #expect(top("营业执照怎么登记") == nil)
    }

    @Test func declineReasonNamesWhatIsMissing() {
        let o = engine.search("消防验收怎么办", today: Fixtures.today)
        #expect(o.declined)
        #expect(o.declineReason?.contains("消防") == true)
    }

    @Test func howQuestionsPreferTheProcedure() {
        // 怎么 + verb asks for the procedure: the entry about where and how to register beats others on 技术合同.
        #expect(top("技术合同怎么登记") == "tc-where")
    }

    @Test func amountQuestionsFindEntriesNamedForTheSupportTheyGive() {
        // 给多少钱 shares no character with 扶持措施: the amount intent's answer words (intent_answers) link them.
        let entries = [
            Entry(id: "xy-cond", kind: .faq, title: "新型研发机构认定需要什么条件？", body: "新型研发机构应具有独立法人资格，研发人员不少于10人。",
                  tags: ["新型研发机构", "认定条件"]),
            Entry(id: "xy-support", kind: .policy, title: "市级新型研发机构扶持措施", body: "经认定的新型研发机构给予一次性奖励，按研发投入给予后补助。",
                  tags: ["新型研发机构", "扶持"]),
        ]
        let q = "新型研发机构评上给多少钱"
        var plain = Fixtures.lexicon
        plain.intentAnswers = [:]
        let without = QueryEngine(index: SearchIndex(entries: entries),
                                  analyzer: QueryAnalyzer(lexicon: plain, regions: TepaiConfig().regionCatalog, pinyin: PinyinTable()))
        #expect(without.search(q, today: Fixtures.today).hits.first?.entry.id == "xy-cond")
        #expect(Fixtures.engine(entries).search(q, today: Fixtures.today).hits.first?.entry.id == "xy-support")
    }

    @Test func declineRuleThresholds() {
        let e = Fixtures.entries[0]
        func hit(_ cov: Float, _ head: Float, _ phrase: Int) -> Hit {
            Hit(entry: e, score: 1, ended: false, coverage: cov, headCoverage: head, longestHeadMatch: phrase)
        }
        let t = engine.tuning
        // Without a verbatim phrase: the mix of head and whole-entry coverage must reach minCoverage.
        #expect(engine.shouldDecline(hit(0.4, 0.4, 0)))
        #expect(!engine.shouldDecline(hit(1.0, 0.4, 0)) == ((1 - t.headShare) * 1.0 + t.headShare * 0.4 >= t.minCoverage))
        #expect(!engine.shouldDecline(hit(0.6, 0.6, 0)))
        // With a phrase of phraseLength characters found as is in a title or alias, a lower bar applies.
        #expect(!engine.shouldDecline(hit(t.minCoverageWithPhrase + 0.01, 0, t.phraseLength)))
        #expect(engine.shouldDecline(hit(t.minCoverageWithPhrase - 0.01, 0, t.phraseLength)))
        #expect(engine.shouldDecline(hit(t.minCoverageWithPhrase + 0.01, 0, t.phraseLength - 1)))
    }

    @Test func coverageCountsSlotsForEventQuestions() {
        let doc = engine.index.idIndex["trn-qianxi-dec"] ?? -1
        let other = engine.index.idIndex["trn-city-hte-feb"] ?? -1
        let q = engine.analyzer.analyze("迁西果树培训", index: engine.index, today: Fixtures.today)
        let inPlace = engine.coverage(q.topicUnits, q.slots, doc: doc, today: Fixtures.today)
        let elsewhere = engine.coverage(q.topicUnits, q.slots, doc: other, today: Fixtures.today)
        #expect(inPlace == 1)
        #expect(elsewhere < 0.5)
    }

    /// 107-1表啥时候报: what the question holds besides the form's number is two one-character words; the
    /// numbers the entry's title holds count as covered topic, so the bot answers instead of declining.
    @Test func numbersAnEntryHoldsCountAsCoveredButAreNeverRequired() {
        let entries = Fixtures.entries + [
            Entry(id: "rd-107", kind: .faq, title: "企业研发活动统计（107-1表）怎么填报？", body: "规模以上企业每年填报研发活动情况表，年报在次年3月至4月填报。",
                  tags: ["研发统计"]),
        ]
        let engine = Fixtures.engine(entries)
        let o = engine.search("107-1表啥时候报", today: Fixtures.today)
        #expect(!o.declined && o.hits.first?.entry.id == "rd-107")
        let q = engine.analyzer.analyze("107-1表啥时候报", index: engine.index, today: Fixtures.today)
        let doc = engine.index.idIndex["rd-107"] ?? -1
        let numbers = q.units.filter(\.isBareNumber)
        #expect(numbers.map(\.text) == ["107", "1"])
        let with = engine.coverage(q.topicUnits, q.slots, doc: doc, today: Fixtures.today, numbers: numbers)
        let without = engine.coverage(q.topicUnits, q.slots, doc: doc, today: Fixtures.today)
        #expect(with > without)
        // A number the entry lacks neither helps nor hurts.
        let other = engine.analyzer.analyze("研发统计2031", index: engine.index, today: Fixtures.today)
        let plain = engine.analyzer.analyze("研发统计", index: engine.index, today: Fixtures.today)
        #expect(engine.coverage(other.topicUnits, other.slots, doc: doc, today: Fixtures.today, numbers: other.units.filter(\.isBareNumber))
                == engine.coverage(plain.topicUnits, plain.slots, doc: doc, today: Fixtures.today))
    }

    /// An intent's other words stand for it only as they are: a title with 需要 in one place and 什么 in another
    /// does not answer 材料 through 需要什么.
    @Test func anIntentAlternativeCountsOnlyWhenAllOfItIsThere() {
        let entries = Fixtures.entries + [
            Entry(id: "fwp-what", kind: .faq, title: "外国人来华工作许可是什么？哪些外国人需要办理？", body: "外国人在华工作须办理工作许可。", tags: ["工作许可"]),
            Entry(id: "fwp-mat", kind: .faq, title: "申请外国人来华工作许可需要什么", body: "提交申请表、学历证明和无犯罪记录证明。", tags: ["工作许可"]),
        ]
        let engine = Fixtures.engine(entries)
        let q = engine.analyzer.analyze("外国人工作许可申请材料", index: engine.index, today: Fixtures.today)
        guard let hint = q.units.first(where: { $0.text == "材料" }) else {
            Issue.record("材料 is not a unit of \(q.units.map(\.text))")
            return
        }
        #expect(hint.role == .hint)
        func answers(_ id: String) -> Bool {
            let c = engine.unitCoverage(hint, doc: engine.index.idIndex[id] ?? -1, headOnly: true)
            return c.covered >= c.total * 0.99
        }
        #expect(answers("fwp-mat"))
        #expect(!answers("fwp-what"))
    }

    /// Once the bot answers, the entry whose title holds the question as typed goes first, even when a notice
    /// on the same topic repeats its words more often.
    @Test func theEntryWhoseTitleHoldsTheQuestionVerbatimAnswersFirst() {
        let entries = Fixtures.entries + [
            Entry(id: "ys-notice", kind: .notice, title: "关于做好科技项目集中结题验收工作的通知",
                  body: "科技项目结题验收材料于12月底前提交。结题验收材料包括验收申请表、项目总结报告、经费决算表。未按期提交结题验收材料的科技项目不予验收。",
                  tags: ["结题验收", "验收材料"]),
            Entry(id: "ys-material", kind: .faq, title: "科技项目结题验收要准备哪些材料？", body: "需提交验收申请表、总结报告和经费决算表。", tags: ["结题验收"]),
        ]
        let question = "科技项目结题验收要准备哪些材料"
        let first = Fixtures.engine(entries).search(question, today: Fixtures.today).hits.first?.entry.id
        var off = RankingTuning()
        off.phraseBonus = 0
        let withoutRule = Fixtures.engine(entries, tuning: off).search(question, today: Fixtures.today).hits.first?.entry.id
        #expect(first == "ys-material")
        #expect(withoutRule == "ys-notice")
    }

    /// The best-scored entry shares one word with the question (研发后补助 finds 外资研发中心 first); one scoring
    /// 70% of it holds the whole question and answers in its place. One clearing the bar only just does not.
    @Test func anEntryHoldingTheWholeQuestionStandsInForABestEntryThatDoesNot() {
        let e = Fixtures.entries[0]
        func hit(_ score: Float, _ coverage: Float) -> Hit {
            Hit(entry: e, score: score, ended: false, coverage: coverage, headCoverage: coverage, longestHeadMatch: 0)
        }
        let engine = Fixtures.engine()
        #expect(engine.standIn([hit(10, 0.3), hit(7, 1.0)]) == 1)
        #expect(engine.standIn([hit(10, 0.3), hit(7, 0.7)]) == nil)
        #expect(engine.standIn([hit(10, 0.3), hit(8.5, 0.7)]) == 1)
        #expect(engine.standIn([hit(10, 0.3), hit(5, 1.0)]) == nil)
    }

    @Test func emptyOrContentFreeQuestionsAreDeclined() {
        #expect(engine.search("怎么办啊", today: Fixtures.today).declined)
        #expect(engine.search("？？？", today: Fixtures.today).declined)
    }
}

@Suite struct TuningOverrideTests {
    @Test func overridesApplyByNameAndReportTheFirstBadOne() {
        var t = RankingTuning()
        #expect(t.apply(["minCoverage=0.4", "rerankDepth=7"]) == nil)
        #expect(t.minCoverage == 0.4 && t.rerankDepth == 7)
        #expect(t.apply(["minCoverage=0.5", "noSuchKnob=1"]) == "noSuchKnob=1")
        #expect(t.apply(["minCoverage"]) == "minCoverage")
    }
}
