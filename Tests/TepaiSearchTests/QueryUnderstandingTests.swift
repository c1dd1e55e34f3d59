import Foundation
import Testing
import TepaiCore
@testable import TepaiSearch

@Suite struct NormalizationTests {
    @Test func foldsWidthCaseAndPunctuation() {
        #expect(TextNormalizer.normalize("Ｒ＆Ｄ费用，加计扣除？") == "rd费用加计扣除")
        #expect(TextNormalizer.normalize(" 技术 合同 怎么 登记 ") == "技术合同怎么登记")
        #expect(TextNormalizer.normalize("２０２６年") == "2026年")
    }

    @Test func theDirectFoldingIsFoundationsNFKCAndLowerCase() {
        // Every character the direct map knows, mixed at random: the result must be what NFKC + lower case gives.
        let alphabet = Array("AZaz09 !~&，。？！：；（）【】、“”‘’—　ＡＺａｚ０９＆～技术合同登记高企㐀".unicodeScalars)
        var state: UInt64 = 42
        for _ in 0..<300 {
            var text = String.UnicodeScalarView()
            for _ in 0..<12 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            let s = String(text)
            #expect(TextNormalizer.folded(s) == Array(s.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars), "\(s)")
        }
        // Other text takes Foundation's way: a compatibility ideograph and a circled digit.
        #expect(TextNormalizer.foldedDirectly("\u{F900}") == nil && TextNormalizer.foldedDirectly("①") == nil)
        #expect(TextNormalizer.normalize("①号文件") == "1号文件")
    }

    @Test func traditionalCharactersFoldToSimplified() {
        #expect(TextNormalizer.normalize("技術合同怎麼登記") == "技术合同怎么登记")
        #expect(TextNormalizer.normalize("高新技術企業認定") == "高新技术企业认定")
        // Characters of the simplified standard set stay as they are, even where ICU would map them (乾 → 干).
        #expect(TextNormalizer.normalize("著作权乾坤") == "著作权乾坤")
    }

    @Test func chatEmoticonNamesAreNotPartOfTheQuestion() {
        #expect(ChatNoise.stripped("高企认定要什么条件[微笑]") == "高企认定要什么条件")
        #expect(ChatNoise.stripped("[捂脸]科小怎么评［OK］") == "科小怎么评")
        // Numbers, long bracketed text and unclosed brackets are kept.
        #expect(ChatNoise.stripped("冀科[2026]5号") == "冀科[2026]5号")
        #expect(ChatNoise.stripped("[高新技术企业]认定") == "[高新技术企业]认定")
        #expect(ChatNoise.stripped("登记[微笑") == "登记[微笑")
        // A leading "+1" (me too) is not a number the question asks about; one inside the question is.
        #expect(ChatNoise.stripped("+1 技术合同在哪登记") == " 技术合同在哪登记")
        #expect(ChatNoise.stripped("比例+1") == "比例+1")
    }

    @Test func builtInPinyinAgreesWithFoundation() {
        let table = PinyinTable()
        for c in "技术合同登记认定高新企业科技特派员" .unicodeScalars {
            let expected = String(Character(c)).applyingTransform(.mandarinToLatin, reverse: false)?
                .applyingTransform(.stripDiacritics, reverse: false)?.lowercased()
            #expect(table.pinyin(c) == expected)
        }
        #expect(table.pinyin("记") == table.pinyin("计"))
        #expect(table.pinyin("记") != table.pinyin("术"))
    }

    @Test func documentsKeepSentenceBreaksSoNoBigramSpansThem() {
        let s = TextNormalizer.scalars("登记。申报", keepBreaks: true)
        let terms = Tokenizer.terms(s, unigrams: false)
        #expect(terms.contains(.bigram("登", "记")))
        #expect(!terms.contains(.bigram("记", "申")))
    }
}

@Suite struct QueryAnalysisTests {
    let engine = Fixtures.engine()

    func analyze(_ q: String) -> AnalyzedQuery {
        engine.analyzer.analyze(q, index: engine.index, today: Fixtures.today)
    }

    @Test func functionWordsLeaveTheTopic() {
        let a = analyze("技术合同怎么登记啊")
        #expect(a.topicUnits.map(\.text) == ["技术合同", "登记"])
    }

    @Test func singleCharacterFunctionWordsStayInsideRealWords() {
        // 要 is a function word, but 要求 is a word of its own.
        let a = analyze("高企认定有啥要求")
        #expect(a.units.contains { $0.text == "要求" })
        #expect(!a.units.contains { $0.text == "有" || $0.text == "啥" })
    }

    @Test func singleCharacterLexiconWordsStayInsideWordsOfTheKnowledgeBase() {
        // 查 is a lexicon word (a synonym of 查询), but 科技查新 is a word of this knowledge base.
        let withNovelty = Fixtures.engine(Fixtures.entries + [Entry(id: "kjcx", kind: .faq, title: "科技查新是什么？到哪里办理？", body: "科技查新由查新机构出具报告。")])
        let a = withNovelty.analyzer.analyze("科技查新是什么意思", index: withNovelty.index, today: Fixtures.today)
        #expect(a.topicUnits.contains { $0.text.contains("查新") })
        #expect(!a.units.contains { $0.text == "意思" })
        // Outside such a word, 查 stands alone and brings its synonyms.
        let b = analyze("在哪查技术合同")
        #expect(b.units.contains { $0.text == "查" && !$0.alternatives.isEmpty })
    }

    @Test func whatIsQuestionsAskForTheDefinitionUnlessTheyFollowAnIntentNoun() {
        #expect(analyze("科技特派员是干啥的").slots.intents == ["definition"])
        #expect(analyze("高企认定条件是什么").slots.intents == ["conditions"])
        let e = Fixtures.engine([
            Entry(id: "xctd-reward", kind: .policy, title: "乐亭县农业科技园区和星创天地扶持办法", body: "对新认定的星创天地给予一次性奖励。", tags: ["星创天地"]),
            Entry(id: "xctd-what", kind: .faq, title: "什么是星创天地？怎么申请备案？", body: "星创天地是面向农业农村的创新创业服务平台。", tags: ["星创天地"]),
        ] + Fixtures.entries)
        #expect(e.search("星创天地是个啥", today: Fixtures.today).hits.first?.entry.id == "xctd-what")
    }

    @Test func homophoneTyposAreCorrectedTowardsTheKnowledgeBase() {
        #expect(analyze("技术合同登计").corrections == ["计→记"])
        #expect(analyze("科技特派圆职责").corrections == ["圆→员"])
    }

    @Test func aWhatIsNeededPhraseYieldsToTheIntentNounAfterIt() {
        // 需要什么 alone asks for materials; before 条件 it asks for conditions only.
        #expect(analyze("高企认定需要什么条件").slots.intents == ["conditions"])
        #expect(analyze("高企认定需要什么").slots.intents == ["materials"])
        // Two intents side by side without an interrogative are both asked.
        #expect(analyze("培训时间地点").slots.intents == ["time", "place"])
    }

    @Test func anIntentNounInsideANounPhraseIsATopic() {
        // 证明 between 成果登记 and 的作用 names the certificate; it does not ask for materials.
        let a = analyze("成果登记证明的作用")
        #expect(!a.slots.intents.contains("materials"))
        #expect(a.units.contains { $0.text == "证明" && $0.role == .topic && $0.alternatives.isEmpty })
        // Control: at the end, or before 的 without a noun after it, it asks for materials.
        #expect(analyze("成果登记要交什么证明").slots.intents.contains("materials"))
        #expect(analyze("成果登记证明").units.contains { $0.text == "证明" && $0.role == .hint })
    }

    @Test func aQuantityWordBeforeATopicDoesNotAskForMoney() {
        #expect(!analyze("报高新得有多少技术人员").slots.intents.contains("amount"))
        #expect(!analyze("报高新得有多少技术人员").units.contains { $0.text == "多少" })
        #expect(analyze("高企认定奖励多少").slots.intents.contains("amount"))
        #expect(analyze("多少钱").slots.intents.contains("amount"))
        // After an intent noun it asks for that noun's value: 网址多少 wants the address, not money.
        #expect(analyze("登记网址多少").slots.intents == ["online"])
    }

    @Test func thisYearIsATimeSlotAndChatFillersAreNotTopics() {
        let a = analyze("我们公司今年想申报高企")
        #expect(a.slots.dateRange?.from == LocalDate(year: 2026, month: 1, day: 1))
        #expect(a.slots.dateRange?.to == LocalDate(year: 2026, month: 12, day: 31))
        #expect(!a.topicUnits.contains { $0.text.contains("今年") })
        #expect(analyze("有没有人知道科技特派员怎么申请").topicUnits.allSatisfy { !$0.text.contains("人") })
    }

    @Test func lookalikeTyposAreCorrected() {
        #expect(analyze("高新技木企业认定").corrections == ["木→术"])
    }

    @Test func knownWordsAreNeverCorrected() {
        #expect(analyze("技术合同登记").corrections.isEmpty)
        #expect(analyze("消防验收").corrections.isEmpty)
        // 研究 occurs only in a body here: still a word of the knowledge base, so no "correction" to 研发 etc.
        #expect(analyze("研究开发费用").corrections.isEmpty)
    }

    @Test func lexiconWordsAndRegionsAreProtectedFromCorrection() {
        // 迁西 is a region form: its characters are never rewritten even next to an unknown character.
        let a = analyze("迁西果数培训")
        #expect(!a.corrections.contains { $0.hasPrefix("迁") || $0.hasPrefix("西") })
        #expect(a.slots.region == "迁西县")
    }

    @Test func oneCharacterFunctionWordsAreNeitherCorrectedNorCorrectedInto() {
        // 年的 is a title bigram and 得/的 sound alike, but 得 is a function word: rewriting it would only
        // turn filler into a topic unit 的.
        let e = Fixtures.engine(Fixtures.entries + [
            Entry(id: "tpy-days", kind: .faq, title: "科技特派员一年的服务天数", body: "每年服务时间不少于60天。", tags: ["科技特派员"]),
        ])
        let a = e.analyzer.analyze("特派员一年得下乡多少天", index: e.index, today: Fixtures.today)
        #expect(a.corrections.isEmpty)
        #expect(!a.units.contains { $0.text.contains("的") })
        // A content character next to the same neighbours is still corrected.
        #expect(e.analyzer.analyze("科技特派圆职责", index: e.index, today: Fixtures.today).corrections == ["圆→员"])
    }

    @Test func aFunctionCharacterInsideATopicWordIsMended() {
        // 里 is a function word (市里, 哪里), and a title phrased as a question pairs it with 办 (在哪里办): neither
        // keeps 管里 from being mended into the title word 管理 when it sits between two topic characters.
        let e = Fixtures.engine(Fixtures.entries + [
            Entry(id: "fund", kind: .policy, title: "科技计划项目资金管理办法", body: "项目资金实行分类管理。", tags: ["项目资金"]),
            Entry(id: "where", kind: .faq, title: "成果登记在哪里办？", body: "到市科技局政务服务窗口办理。", tags: ["成果登记"]),
        ])
        #expect(e.analyzer.analyze("项目经费管里办法", index: e.index, today: Fixtures.today).corrections == ["里→理"])
        // At a word's edge it stays: 市里 asks about the city level.
        #expect(e.analyzer.analyze("市里管理办法", index: e.index, today: Fixtures.today).corrections.isEmpty)
        // A homophone that joins it to one neighbour only (子施, from 电子施工) is no mend: 是 is the copula.
        let farm = Fixtures.engine(Fixtures.entries + [
            Entry(id: "farm", kind: .policy, title: "电子施工图审查项目", body: "支持农技推广。", tags: ["农技"]),
        ])
        #expect(farm.analyzer.analyze("儿子是农技员", index: farm.index, today: Fixtures.today).corrections.isEmpty)
    }

    @Test func lookalikesOfTheShippedLexiconMendCommonSlips() {
        // 肓 (huāng) does not sound like 育 (yù); only the look-alike table connects them.
        let e = Fixtures.engine(Fixtures.entries + [
            Entry(id: "ipo", kind: .policy, title: "科技企业上市培育支持措施", body: "对进入上市后备库的企业给予支持。", tags: ["上市培育"]),
        ])
        #expect(e.analyzer.analyze("科技企业上市培肓", index: e.index, today: Fixtures.today).corrections == ["肓→育"])
    }

    @Test func correctionNeedsAKnownBigramAfterwards() {
        // 圆 has homophones, but nothing in the index pairs with 蛋 or 方: no change.
        #expect(analyze("圆蛋方").corrections.isEmpty)
    }

    @Test func aCorrectionNeverTradesAPairTheStoreHasForOneItLacks() {
        let startup = Entry(id: "leave", kind: .policy, title: "科研人员离岗创业办法", body: "科研人员离岗创业期间保留人事关系。", tags: ["离岗创业"])
        let rules = Entry(id: "rules", kind: .faq, title: "评审专家要遵守哪些规定？", body: "专家与项目有利益关系的，应当主动回避。", tags: ["专家"])
        func corrections(_ entries: [Entry]) -> [String] {
            let engine = Fixtures.engine(entries)
            return engine.analyzer.analyze("评审人员利益回避", index: engine.index, today: Fixtures.today).corrections
        }
        // 利益 is in one body: 利 stays, although 员离 (人员离岗) is a title pair and 离 sounds like 利.
        #expect(corrections([startup, rules]).isEmpty)
        // Control: without any 利益 in the store, the same question is mended towards 人员离岗.
        let noInterest = Entry(id: "rules", kind: .faq, title: "评审专家要遵守哪些规定？", body: "专家不得从评审的项目获得收益，应当主动回避。", tags: ["专家"])
        #expect(corrections([startup, noInterest]) == ["利→离"])
    }

    @Test func partsOfAMonthNarrowTheTimeSlot() {
        let late = analyze("12月下旬开平有啥活动").slots.dateRange
        #expect(late?.from.description == "2026-12-21" && late?.to.description == "2026-12-31")
        let early = analyze("下个月初有培训吗").slots.dateRange
        #expect(early?.from.description == "2026-12-01" && early?.to.description == "2026-12-10")
        let end = analyze("月底有啥对接会").slots.dateRange
        #expect(end?.from.description == "2026-11-21" && end?.to.description == "2026-11-30")
        #expect(analyze("2月中旬培训").slots.dateRange?.to.description == "2027-02-20")
        // Control: a bare 中 after a month starts a word (中小企业), and the month stays whole.
        let a = analyze("12月中小企业培训")
        #expect(a.slots.dateRange?.to.description == "2026-12-31")
        #expect(a.units.contains { $0.text.contains("中小企业") })
    }

    @Test func aRecurringTimeIsNoTimeSlot() {
        for q in ["每月初有什么培训", "每周五有讲座吗", "每月底要报什么"] {
            let a = analyze(q)
            #expect(a.slots.dateRange == nil && !a.units.contains { $0.text.contains("每") }, "\(q)")
        }
        // Control: the same times without 每 are read.
        #expect(analyze("月初有什么培训").slots.dateRange?.to.description == "2026-11-10")
        #expect(analyze("周五有讲座吗").slots.dateRange != nil)
    }

    @Test func regionAndMonthSlots() {
        let a = analyze("迁西下个月有啥培训")
        #expect(a.slots.region == "迁西县")
        #expect(a.slots.dateRange?.from.description == "2026-12-01")
        #expect(a.slots.dateRange?.to.description == "2026-12-31")
        #expect(a.slots.kinds == [.training])
        #expect(a.topicUnits.isEmpty)

        let m = analyze("9月份市里的培训")
        #expect(m.slots.region == "市级")
        #expect(m.slots.dateRange?.from.description == "2026-09-01")
        // In November, February means next February.
        #expect(analyze("二月有什么对接会").slots.dateRange?.from.description == "2027-02-01")
        #expect(analyze("十二月份的路演").slots.dateRange?.to.description == "2026-12-31")
        let week = analyze("下周有什么讲座").slots.dateRange
        #expect(week?.from.description == "2026-11-30" && week?.to.description == "2026-12-06")
        #expect(analyze("最近有啥对接会").slots.dateRange?.to.description == "2027-01-07")
        #expect(analyze("曹妃甸的对接会").slots.region == "曹妃甸区")
        #expect(analyze("遵化市活动").slots.mentionsEvents)
    }

    @Test func daysWeekdaysAndYearsAreSlots() {
        // 2026-11-23 is a Monday.
        let day = analyze("12月4号有哪些活动").slots.dateRange
        #expect(day?.from.description == "2026-12-04" && day?.to.description == "2026-12-04")
        #expect(analyze("十二月八日的培训").slots.dateRange?.from.description == "2026-12-08")
        #expect(analyze("周五的宣讲会").slots.dateRange?.from.description == "2026-11-27")
        #expect(analyze("下周三的对接会").slots.dateRange?.from.description == "2026-12-02")
        let week = analyze("这礼拜有培训吗").slots.dateRange
        #expect(week?.from.description == "2026-11-23" && week?.to.description == "2026-11-29")
        let feb = analyze("明年2月有什么活动").slots.dateRange
        #expect(feb?.from.description == "2027-02-01" && feb?.to.description == "2027-02-28")
        #expect(analyze("明年2月有什么活动").topicUnits.isEmpty)
    }

    @Test func weekAfterNextAndHolidaysAreSlots() {
        let week = analyze("下下周有活动吗").slots.dateRange
        #expect(week?.from.description == "2026-12-07" && week?.to.description == "2026-12-13")
        #expect(analyze("下下个月的对接会").slots.dateRange?.from.description == "2027-01-01")
        let beforeNewYear = analyze("元旦前有培训吗").slots.dateRange
        #expect(beforeNewYear?.from.description == "2026-11-23" && beforeNewYear?.to.description == "2026-12-31")
        // 春节 2027 falls on 6 February.
        let beforeSpringFestival = analyze("春节前还有对接会吗").slots.dateRange
        #expect(beforeSpringFestival?.to.description == "2027-02-05")
        #expect(analyze("春节后的培训").slots.dateRange?.from.description == "2027-02-06")
        #expect(analyze("春节后的培训").topicUnits.isEmpty)
    }

    @Test func bareNumbersRefineButAreNotTopics() {
        let a = analyze("2027年高企什么时候报")
        #expect(a.units.contains { $0.text == "2027" && $0.role == .hint })
        #expect(!a.topicUnits.contains { $0.text == "2027" })
    }

    @Test func lettersAndDigitsOfOneRunAreAlsoTheirParts() {
        #expect(Tokenizer.parts(Array("gb14925".unicodeScalars)[...]).map { String(String.UnicodeScalarView($0)) } == ["gb", "14925"])
        #expect(Tokenizer.parts(Array("iso9001v2".unicodeScalars)[...]).count == 4)
        // A run of one class has no parts: it is its own word.
        #expect(Tokenizer.parts(Array("2027".unicodeScalars)[...]).isEmpty)
        #expect(Tokenizer.parts(Array("cto".unicodeScalars)[...]).isEmpty)
    }

    @Test func numbersSeparatedByPunctuationStayTwoNumbers() {
        // Entries are indexed with a break where punctuation stood (107-1 → 107, 1); a question keeps it too,
        // but only between digits: elsewhere its punctuation and spaces simply go.
        let a = analyze("107-1表怎么填")
        #expect(a.units.contains { $0.text == "107" } && a.units.contains { $0.text == "1" })
        #expect(!a.units.contains { $0.text == "1071" })
        #expect(analyze("R&D费用").units.contains { $0.text == "rd" })
        #expect(analyze("技术 合同").units.contains { $0.text == "技术合同" })
    }

    @Test func aStandardFindsItsEntryWithOrWithoutASpace() {
        let entries = [
            Entry(id: "lab-env", kind: .faq, title: "动物房环境要达到什么标准？", body: "饲育环境和设施须符合国家标准GB 14925的要求。",
                  tags: ["实验动物"]),
            Entry(id: "quality", kind: .faq, title: "质量管理体系认证有补贴吗？", body: "通过ISO9001认证的企业可申请一次性补助。",
                  tags: ["认证"]),
            Entry(id: "noise", kind: .faq, title: "技术合同在哪里登记？", body: "到市技术合同登记站办理。", tags: ["技术合同"]),
        ]
        let engine = Fixtures.engine(entries)
        func top(_ q: String) -> String? {
            let o = engine.search(q, today: Fixtures.today)
            return o.declined ? nil : o.hits.first?.entry.id
        }
        // The entry writes GB 14925 with a space, the question without one. A question's spaces vanish, so
        // ISO 9001 is the entry's ISO9001 as before.
        #expect(top("GB14925标准") == "lab-env")
        #expect(top("ISO 9001认证补贴") == "quality")
        // Every part must be there: another standard of the same series is not this one.
        #expect(top("GB14925") == "lab-env")
        #expect(top("GB14924") == nil)
    }

    @Test func sentenceFinalParticlesNeverBind() {
        // Even if an alias had 库吗, 吗 at the end of a question is a particle.
        let a = analyze("科小能入库吗")
        #expect(!a.units.contains { $0.text.hasSuffix("吗") })
    }

    @Test func howPlusVerbAsksForTheProcedure() {
        let a = analyze("技术合同怎么登记")
        #expect(a.slots.intents.contains("process"))
        #expect(a.units.contains { $0.role == .hint && $0.text == "怎么" })
        // An explicit intent word wins: 怎么 … 材料 asks for materials, not the procedure.
        let m = analyze("技术合同怎么登记要什么材料")
        #expect(!m.units.contains { $0.text == "怎么" })
        #expect(m.slots.intents.contains("materials"))
    }

    @Test func aLexiconWordBringsTheFullFormsOfTheAbbreviationItStartsWith() {
        // 中介机构 is in a synonym group (第三方机构); 中介 → 技术转移机构 applies to it as well.
        let unit = analyze("中介机构有奖励吗").units.first { $0.text == "中介机构" }
        let full = Tokenizer.terms(Array("技术转移机构".unicodeScalars), unigrams: false)
        #expect(unit?.alternatives.contains(full) == true)
        #expect(unit?.alternatives.contains(Tokenizer.terms(Array("第三方机构".unicodeScalars), unigrams: false)) == true)
        // A word with full forms of its own keeps just those (科技型中小 is not 科技 + something).
        #expect(engine.analyzer.prefixForms("科小评价").isEmpty)
    }

    @Test func measureWordsInsideAVerbObjectWordAreClosedUp() {
        let e = Fixtures.engine(Fixtures.entries + [
            Entry(id: "jb", kind: .faq, title: "一家单位能同时揭榜几个项目？", body: "同一单位同一批次揭榜不超过2项。", tags: ["揭榜挂帅"]),
        ])
        func units(_ q: String) -> [String] { e.analyzer.analyze(q, index: e.index, today: Fixtures.today).topicUnits.map(\.text) }
        // 揭榜 is a title word: 揭几个榜 is read as 揭榜; 登个记 as 登记.
        #expect(units("一个人能揭几个榜啊").contains { $0.contains("揭榜") })
        #expect(units("技术合同去哪登个记").contains { $0.contains("登记") })
        // Nothing is closed up when the joined pair is no title word: 卖了能分 keeps its 了 out of any word.
        #expect(!units("专利卖了能分多少").contains { $0.contains("卖能") })
    }

    /// Counts in words (一个人, 一年, 俩) say how many, not what about: no unit carries them, so an entry need not
    /// hold them to answer. A pair the knowledge base's titles use (一次性) stays a word.
    @Test func countsInWordsAreNoTopic() {
        let a = analyze("一个人一年能报几个项目")
        #expect(!a.units.contains { $0.text.contains("一") || $0.text.contains("个") })
        #expect(a.units.contains { $0.text.contains("项目") })
        #expect(!analyze("手上俩在研项目").units.contains { $0.text.contains("俩") })
        let engine = Fixtures.engine(Fixtures.entries + [
            Entry(id: "once", kind: .policy, title: "一次性创业补贴办法", body: "给予一次性创业补贴。", tags: ["创业补贴"]),
        ])
        let once = engine.analyzer.analyze("一次性创业补贴", index: engine.index, today: Fixtures.today)
        #expect(once.units.contains { $0.text.contains("一次") })
    }

    @Test func abbreviationsBringTheirFullForm() {
        let a = analyze("科小怎么评")
        let unit = a.units.first { $0.text == "科小" }
        #expect(unit?.alternatives.contains(Tokenizer.terms(Array("科技型中小企业".unicodeScalars), unigrams: false)) == true)
    }
}

@Suite struct LexiconParsingTests {
    @Test func intentAnswersBelongToAKnownIntent() throws {
        let lex = try Lexicon.parse("intents:\n  amount: [多少钱]\nintent_answers:\n  amount: [扶持, 奖励]\n", source: "t")
        #expect(lex.intentAnswers["amount"] == ["扶持", "奖励"])
        #expect(throws: Lexicon.LoadError.self) {
            try Lexicon.parse("intents:\n  amount: [多少钱]\nintent_answers:\n  price: [扶持]\n", source: "t")
        }
    }

    /// Two groups that share a word would be merged without a word said; the administrator is told which.
    @Test func aWordInTwoSynonymGroupsIsRefusedWithBothGroupNumbers() throws {
        let lex = try Lexicon.parse("synonyms:\n  - [开支, 支出]\n  - [费用, 花销]\n", source: "t")
        #expect(lex.synonyms["开支"] == ["支出"])
        do {
            _ = try Lexicon.parse("synonyms:\n  - [开支, 支出]\n  - [费用, 花销]\n  - [花费, 开支]\n", source: "lexicon.yaml")
            Issue.record("a word in two groups was accepted")
        } catch let error as Lexicon.LoadError {
            #expect(error.description.contains("lexicon.yaml"))
            #expect(error.description.contains("1 and 3"))
            #expect(error.description.contains("开支"))
        }
    }

    @Test func intentAnswersJoinTheIntentHint() {
        let e = Fixtures.engine()
        let unit = e.analyzer.analyze("给多少钱", index: e.index, today: Fixtures.today).units.first { $0.text == "给多少" }
        #expect(unit?.role == .hint)
        #expect(unit?.alternatives.contains(Tokenizer.terms(Array("扶持".unicodeScalars), unigrams: false)) == true)
    }

    /// The pinyin table reads 调 as diao; 调件 is typed for 条件 (tiao). The polyphone's second reading lets the
    /// mend happen, and a rare reading (大 as dai) is not in the list, so 大 is not taken for 贷.
    @Test func aPolyphoneIsMendedThroughItsOtherReading() {
        let pinyin = PinyinTable()
        #expect(pinyin.pinyin("调") != pinyin.pinyin("条"))
        #expect(pinyin.soundsAlike("调", "条") && pinyin.soundsAlike("条", "调"))
        #expect(!pinyin.soundsAlike("大", "贷"))
        let engine = Fixtures.engine(Fixtures.entries + [
            Entry(id: "jxfw-cond", kind: .faq, title: "认定技术先进型服务企业需要满足哪些条件？", body: "企业须从事技术先进型服务业务。", tags: ["技术先进型服务企业"]),
        ])
        let a = engine.analyzer.analyze("技术先进型认定调件", index: engine.index, today: Fixtures.today)
        #expect(a.corrections == ["调→条"])
    }

    /// Typo correction keeps the first of equally good candidates, so the candidates must come in an order that
    /// does not change from one process to the next (they are gathered from a set).
    @Test func typoCandidatesComeInCodePointOrder() {
        let index = Fixtures.engine().index
        var lists = 0
        for e in Fixtures.entries {
            for c in e.title.unicodeScalars {
                let after = index.headBigramSeconds(after: c), before = index.headBigramFirsts(before: c)
                #expect(after.map(\.value) == after.map(\.value).sorted())
                #expect(before.map(\.value) == before.map(\.value).sorted())
                if after.count > 1 || before.count > 1 { lists += 1 }
            }
        }
        #expect(lists > 10)
    }
}
