import Foundation
import Testing
import TepaiCore
import TepaiRender
@testable import TepaiSearch

/// Questions about other agencies' business (lexicon section `elsewhere`).
@Suite struct ElsewhereTests {
    static let entries: [Entry] = [
        Entry(id: "ip-pledge", kind: .faq, title: "知识产权质押融资怎么办理？",
              body: "企业以合法拥有的专利权、已注册的商标权中的财产权作为质押物，向银行申请贷款，由评估机构评估价值后签订质押合同。",
              tags: ["知识产权", "质押融资"], region: "市级"),
        Entry(id: "hte-staff", kind: .faq, title: "高企认定中科技人员占比怎么计算？",
              body: "科技人员占职工总数的比例不得低于10%，申报时需提供科技人员名单和社保缴纳证明。", tags: ["高企", "科技人员"]),
        Entry(id: "ins-subsidy", kind: .policy, title: "科技保险保费补贴政策",
              body: "企业投保科技保险的，按保费的50%给予补贴，每年3月集中受理。", tags: ["科技保险", "保费补贴"],
              aliases: ["保费补贴怎么申请"]),
    ] + Fixtures.entries

    static func lexicon(elsewhere: [String: String], routine: Set<String>? = nil) -> Lexicon {
        var lex = Fixtures.lexicon
        lex.elsewhere = elsewhere
        if let routine { lex.routineWords = routine }
        return lex
    }

    static let otherAgencies = ["商标": "市场监管部门", "公司注销": "市场监管部门", "社保": "人社部门"]

    static func engine(_ entries: [Entry] = entries, elsewhere: [String: String] = otherAgencies, routine: Set<String>? = nil) -> QueryEngine {
        QueryEngine(index: SearchIndex(entries: entries),
                    analyzer: QueryAnalyzer(lexicon: lexicon(elsewhere: elsewhere, routine: routine), regions: TepaiConfig().regionCatalog, pinyin: PinyinTable()))
    }

    func answer(_ q: String, _ engine: QueryEngine = engine()) -> String? {
        let o = engine.search(q, today: Fixtures.today)
        return o.declined ? nil : o.hits.first?.entry.id
    }

    /// 个税 is the tax office's word, but an entry titled with its full form 个人所得税 is about it: the question is
    /// answered. Without the full form in the lexicon, the same question is declined.
    @Test func anEntryTitledWithTheWordsFullFormIsAboutIt() {
        let talk = Entry(id: "tax-talk", kind: .training, title: "成果转化个人所得税优惠政策宣讲会", body: "讲解职务成果转化现金奖励减半计征。",
                         tags: ["宣讲会"], region: "丰南区", date: LocalDate("2026-11-12"))
        func engine(fullForm: Bool) -> QueryEngine {
            var lex = Self.lexicon(elsewhere: ["个税": "税务部门"])
            lex.abbreviations["个税"] = fullForm ? ["个人所得税"] : nil
            return QueryEngine(index: SearchIndex(entries: Self.entries + [talk]),
                               analyzer: QueryAnalyzer(lexicon: lex, regions: TepaiConfig().regionCatalog, pinyin: PinyinTable()))
        }
        #expect(answer("丰南个税宣讲会讲了啥", engine(fullForm: true)) == "tax-talk")
        #expect(engine(fullForm: false).search("丰南个税宣讲会讲了啥", today: Fixtures.today).elsewhere?.word == "个税")
    }

    /// 就 is a function word, but here it begins 就业补贴, another agency's word: the question keeps 就业 although no
    /// title has it, and its decline points to that agency, whichever rule declined it.
    /// 就业补贴去哪领 and 农民工就业补贴怎么申请 are declined for words no entry covers (领, 农民) before the agency
    /// rule is asked; the reply still names the agency.
    @Test func aFunctionCharacterBeginningAnotherAgencysWordStaysInItAndTheDeclinePointsThere() {
        let engine = Self.engine(elsewhere: ["就业补贴": "人社部门"])
        #expect(engine.search("就业补贴怎么申请", today: Fixtures.today).analyzed.units.contains { $0.chars.first == "就" })
        for q in ["就业补贴怎么申请", "就业补贴去哪领", "农民工就业补贴怎么申请"] {
            let o = engine.search(q, today: Fixtures.today)
            #expect(o.declined, "\(q)")
            #expect(o.elsewhere?.word == "就业补贴", "\(q)")
            #expect(o.elsewhere?.agency == "人社部门", "\(q)")
        }
    }

    @Test func lexiconSectionMapsWordsToTheirAgency() throws {
        let lex = try Lexicon.parse("elsewhere:\n  市场监管部门: [商标, 营业执照]\n  人社部门: [社保]\n", source: "t")
        #expect(lex.elsewhere == ["商标": "市场监管部门", "营业执照": "市场监管部门", "社保": "人社部门"])
    }

    @Test func lexiconRejectsOneCharacterWordsAndWordsUnderTwoAgencies() {
        #expect(throws: Lexicon.LoadError.self) { try Lexicon.parse("elsewhere:\n  税务部门: [税]\n", source: "t") }
        do {
            _ = try Lexicon.parse("elsewhere:\n  税务部门: [社保]\n  人社部门: [社保]\n", source: "lex.yaml")
            Issue.record("a word under two agencies was accepted")
        } catch {
            #expect("\(error)".contains("社保") && "\(error)".contains("lex.yaml"))
        }
    }

    @Test func anEntryNamingTheWordInPassingDoesNotAnswerTheWordsOwnRoutine() {
        let ip = Entry(id: "hte-ip", kind: .faq, title: "高企认定对知识产权有什么要求？",
                       body: "企业须拥有核心技术的知识产权，发明专利、实用新型和软件著作权均可。", tags: ["高企", "知识产权"],
                       aliases: ["软件著作权能用于高企认定吗"])
        let e = Self.engine(Self.entries + [ip], elsewhere: ["软件著作权": "版权管理部门"])
        // Registering is the copyright office's act; the alias only makes the entry about 高企.
        let o = e.search("软件著作权怎么登记", today: Fixtures.today)
        #expect(o.declined && o.elsewhere?.word == "软件著作权")
        // What the alias is about is answered as before.
        #expect(answer("软件著作权能不能用于高企认定", e) == "hte-ip")
        // An entry whose title holds the routine too answers it.
        let grant = Entry(id: "sw-grant", kind: .policy, title: "软件著作权登记资助办法", body: "对取得软件著作权登记证书的企业给予资助。",
                          tags: ["软件著作权"])
        let g = Self.engine(Self.entries + [ip, grant], elsewhere: ["软件著作权": "版权管理部门"])
        #expect(answer("软件著作权怎么登记", g) == "sw-grant")
    }

    @Test func theAnalyzerFindsTheWordsEvenAcrossLexiconWords() {
        let e = Self.engine()
        let a = e.analyzer.analyze("公司注销流程和商标", index: e.index, today: Fixtures.today)
        #expect(a.elsewhere.map(\.word) == ["公司注销", "商标"])
        #expect(a.elsewhere.first?.agency == "市场监管部门")
    }

    @Test func aQuestionAboutAnotherAgencysBusinessIsDeclinedWithThatAgency() {
        let o = Self.engine().search("商标怎么办理", today: Fixtures.today)
        #expect(o.declined)
        #expect(o.elsewhere == ElsewhereWord(word: "商标", agency: "市场监管部门"))
        // Without the lexicon section the entry that mentions 商标 in its body is the answer: the rule decides.
        #expect(answer("商标怎么办理", Self.engine(elsewhere: [:])) == "ip-pledge")
        #expect(answer("公司注销流程") == nil)
    }

    @Test func anEntryAboutTheWordTakesItOver() {
        let own = Entry(id: "tm-register", kind: .faq, title: "商标注册怎么办理？", body: "商标注册向国家知识产权局商标局提出申请。", tags: ["商标"])
        #expect(answer("商标注册怎么办", Self.engine(Self.entries + [own])) == "tm-register")
    }

    @Test func aQuestionAboutOurTopicThatMentionsTheWordIsAnswered() {
        #expect(answer("商标能质押贷款吗") == "ip-pledge")
        #expect(answer("高企科技人员要交社保证明吗") == "hte-staff")
    }

    @Test func whatIsAskedForDoesNotCountAsTheRestOfTheQuestion() {
        // 补贴 names what is wanted, not whose business it is: the question is about 社保.
        #expect(answer("社保补贴申请") == nil)
        #expect(answer("社保补贴申请", Self.engine(elsewhere: [:])) == "ins-subsidy")
        #expect(answer("科技保险保费补贴怎么申请") == "ins-subsidy")
    }

    @Test func routineWordsBesideTheWordDoNotMakeTheQuestionOurs() {
        let permit = Entry(id: "fwp-extend", kind: .faq, title: "外国人工作许可证到期怎么延期？",
                           body: "用人单位应在许可证到期前30日内提交延期申请，上传续签的劳动合同。", tags: ["外国人工作许可"])
        let agencies = Self.otherAgencies.merging(["排污许可": "生态环境部门"]) { a, _ in a }
        let engine = Self.engine(Self.entries + [permit], elsewhere: agencies)
        // 证 and 延期 are routine: the question is about the discharge permit, which no entry is about.
        #expect(answer("排污许可证延期", engine) == nil)
        #expect(engine.search("排污许可证延期", today: Fixtures.today).elsewhere?.agency == "生态环境部门")
        // Control: without routine words the permit entry, which covers 证 and 延期, answers.
        #expect(answer("排污许可证延期", Self.engine(Self.entries + [permit], elsewhere: agencies, routine: [])) == "fwp-extend")
        // A topic of ours beside the word still keeps the question: 科技人员 is not routine, 证明 is.
        #expect(answer("高企科技人员要交社保证明吗", engine) == "hte-staff")
    }

    @Test func neutralRunsAreWholeSequencesOfRoutineWords() {
        let e = Self.engine(routine: ["申请", "延期", "证", "机构"])
        let s = { (t: String) in Array(t.unicodeScalars)[...] }
        #expect(e.isNeutral(s("申请延期")))
        #expect(e.isNeutral(s("证延期")))
        #expect(!e.isNeutral(s("检测机构")))
        #expect(!e.isNeutral(s("延期申")))
        #expect(!e.isNeutral(s("")))
        #expect(QueryEngine.runs(where: [true, true, false, true, false, false, true]) == [0..<2, 3..<4, 6..<7])
    }

    @Test func lexiconReadsRoutineWords() throws {
        let lex = try Lexicon.parse("routine_words: [申请, 延期, ＩＣＰ]\n", source: "t")
        #expect(lex.routineWords == ["申请", "延期", "icp"])
    }

    @Test func theDeclinedReplyPointsToTheAgency() throws {
        let templates = try TemplateSet(directory: Fixtures.root.appendingPathComponent("Templates").path)
        let renderer = AnswerRenderer(templates: templates, contact: "市科技局技术市场科 0315-0000000")
        let text = try renderer.render(Self.engine().search("商标怎么办理", today: Fixtures.today))
        #expect(text.contains("市场监管部门"))
        #expect(text.contains("0315-0000000"))
        let plain = try renderer.render(Self.engine().search("驾驶证到期怎么换证", today: Fixtures.today))
        #expect(!plain.contains("监管部门") && plain.contains("0315-0000000"))
    }

    @Test func aWordIsFoundInsideAUnitAndAcrossTheBoundaryOfTwo() {
        let s = { (t: String) in Array(t.unicodeScalars) }
        #expect(QueryEngine.positions(of: s("土地使用税"), in: s("城镇土地使用税")) == Set(2..<7))
        #expect(QueryEngine.positions(of: s("著作权登记"), in: s("软件著作权")) == Set(2..<5))
        #expect(QueryEngine.positions(of: s("著作权登记"), in: s("登记")) == Set(0..<2))
        #expect(QueryEngine.positions(of: s("著作权登记"), in: s("软件")).isEmpty)
    }

    /// A Latin acronym of another agency (CMA) weighs as one word against the rest of the question, not as three
    /// rare letters: the question about becoming a voucher provider is ours, the one about CMA alone is not.
    @Test func aLatinAcronymWeighsAsOneWord() {
        let entries = Self.entries + [
            Entry(id: "voucher-agency", kind: .faq, title: "服务机构怎么成为创新券入库服务机构？",
                  body: "检验检测、研发设计等服务机构可申请入库，需具备相应资质，如检验检测机构资质认定（CMA）。", tags: ["创新券", "服务机构"]),
        ]
        let engine = Self.engine(entries, elsewhere: ["cma": "市场监管部门"])
        let q = engine.analyzer.analyze("有CMA资质能当创新券服务机构吗", index: engine.index, today: Fixtures.today)
        guard let acronym = q.units.first(where: { $0.text == "cma" }) else {
            Issue.record("no unit cma in \(q.units.map(\.text))")
            return
        }
        let weights = acronym.charWeights ?? []
        #expect(weights.count == 3)
        #expect(abs(weights.reduce(0, +) - engine.index.idf(.word(Array("cma".unicodeScalars)[...]))) < 0.001)
        #expect(answer("有CMA资质能当创新券服务机构吗", engine) == "voucher-agency")
        #expect(answer("CMA资质怎么办理", engine) == nil)
    }
}
