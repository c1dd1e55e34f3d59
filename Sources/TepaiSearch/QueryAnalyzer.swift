import TepaiCore

/// What a question asks for besides its topic: a place, a time, a kind of entry, an intent.
public struct QuerySlots: Sendable, Equatable {
    public var region: String?
    public var dateRange: DateRange?
    public var kinds: Set<EntryKind> = []
    public var intents: Set<Intent> = []
    /// A generic event word (活动, 安排) without a specific kind.
    public var mentionsEvents = false
    /// 有啥活动, 有活动吗: the question asks which events there are, so 活动 means events even without a time.
    public var asksWhichEvents = false

    public var wantsEvent: Bool { mentionsEvents || kinds.contains(.training) || kinds.contains(.matching) }
}

/// One topical piece of a question, scored against entries and checked for coverage when deciding to decline.
public struct QueryUnit: Sendable, Equatable {
    public enum Role: Sendable, Equatable {
        /// Carries the topic: must be covered by an answer.
        case topic
        /// An intent or kind word: scored, but its absence does not make an entry wrong.
        case hint
    }

    public var text: String
    public var terms: [Term]
    /// Other ways to say it, each as its own terms: full forms of an abbreviation first, then synonyms.
    public var alternatives: [[Term]]
    public var role: Role
    /// The Han characters of the unit, in order, for coverage checks.
    public var chars: [Unicode.Scalar]
    /// How many of `alternatives` (from the start) are full forms, which weigh like the words typed.
    public var fullForms = 0
    /// The idf of each of `chars` in the index, filled in once per question.
    public var charWeights: [Float]? = nil

    /// A number on its own (107, 60, 2027): it refines the question but is never required of an answer.
    public var isBareNumber: Bool {
        role == .hint && chars.isEmpty && !text.isEmpty && text.unicodeScalars.allSatisfy { (0x30...0x39).contains($0.value) }
    }
}

/// A question taken apart: normalised text, slots, corrections made, and the units to score.
public struct AnalyzedQuery: Sendable {
    public var original: String
    public var normalized: String
    public var slots = QuerySlots()
    public var units: [QueryUnit] = []
    /// "登计 → 登记" style notes of typo corrections, for explanations.
    public var corrections: [String] = []
    /// Words of other agencies' business in the question (lexicon section `elsewhere`).
    public var elsewhere: [ElsewhereWord] = []

    public var topicUnits: [QueryUnit] { units.filter { $0.role == .topic } }
}

/// A word of another agency's business found in a question: 商标 → 市场监管部门.
public struct ElsewhereWord: Sendable, Equatable {
    public var word: String
    public var agency: String
    public var chars: [Unicode.Scalar] { Array(word.unicodeScalars) }
}

/// Takes a question apart: slots (region, time, kind), function words out, lexicon words and typo corrections
/// in. Typos are corrected only towards the index's own title/alias/tag vocabulary and only where a query
/// bigram is unknown to it.
public struct QueryAnalyzer: Sendable {
    public let lexicon: Lexicon
    public let regions: RegionCatalog
    public let pinyin: PinyinTable

    static let genericEventWords = ["活动", "安排", "会议"]
    static let whichEventsPhrases = ["啥活动", "什么活动", "哪些活动", "有活动"]
    /// "How" words: followed by a verb (怎么登记, 咋申请) they ask for the procedure.
    static let howWords: Set<String> = ["怎么", "怎样", "咋", "如何", "怎么样"]
    let words: WordTrie
    /// The one-character function words, as scalars: typo correction tests every candidate against them.
    let functionChars: Set<Unicode.Scalar>
    /// What questions ask for (补贴, 贴息, 奖励: every intent's answer words) and routine acts and parties
    /// (延期, 登记, 企业: lexicon `routine_words`); they say nothing about whose business a question is.
    let neutralWords: Set<String>
    /// The terms of each lexicon word and of the forms it brings (full forms, synonyms, prefix forms), and of
    /// each intent's words and answer words, tokenised once here rather than in every question: a question
    /// with an intent (有什么要求) otherwise tokenised forty-odd words, a tenth of its time.
    let lexicalForms: [String: LexicalForms]
    let intentForms: [Intent: [(word: String, terms: [Term])]]

    struct LexicalForms: Sendable {
        var terms: [Term]
        var full: [[Term]]
        var others: [[Term]]
    }

    public init(lexicon: Lexicon, regions: RegionCatalog, pinyin: PinyinTable) {
        self.lexicon = lexicon
        self.regions = regions
        self.pinyin = pinyin
        var trie = WordTrie()
        for w in lexicon.functionWords { trie.insert(w) { $0.isFunction = true } }
        let lexical = Array(lexicon.abbreviations.keys) + Array(lexicon.synonyms.keys) + Array(lexicon.intents.keys)
            + Array(lexicon.kindWords.keys) + Self.genericEventWords
        for w in lexical { trie.insert(w) { $0.isLexical = true } }
        for (form, region) in regions.forms { trie.insert(form) { $0.region = region } }
        for (w, agency) in lexicon.elsewhere { trie.insert(w) { $0.agency = agency } }
        words = trie
        functionChars = Set(lexicon.functionWords.compactMap { $0.unicodeScalars.count == 1 ? $0.unicodeScalars.first : nil })
        neutralWords = Set(lexicon.intentAnswers.values.joined()).union(lexicon.routineWords)
        var forms: [String: LexicalForms] = [:]
        for w in lexical {
            forms[w] = LexicalForms(terms: Self.terms(of: w), full: (lexicon.abbreviations[w] ?? []).map(Self.terms(of:)),
                                    others: ((lexicon.synonyms[w] ?? []) + Self.prefixForms(w, lexicon)).map(Self.terms(of:)))
        }
        lexicalForms = forms
        var byIntent: [Intent: [(word: String, terms: [Term])]] = [:]
        for (intent, list) in lexicon.intentWords {
            byIntent[intent] = (list + (lexicon.intentAnswers[intent] ?? [])).map { ($0, Self.terms(of: $0)) }
        }
        intentForms = byIntent
    }

    enum Piece {
        case han(Unicode.Scalar)
        case word(String)
        case latin(String)
        case gap
        /// 的: a gap that also ties the words around it into one noun phrase.
        case of
    }

    public func analyze(_ text: String, index: SearchIndex, today: LocalDate) -> AnalyzedQuery {
        var q = Self.digitsKeptApart(TextNormalizer.scalars(ChatNoise.stripped(text), keepBreaks: true))
        var result = AnalyzedQuery(original: text, normalized: String(String.UnicodeScalarView(q.map { $0 == TextNormalizer.breakScalar ? " " : $0 })))
        let time = TimeSlotParser(today: today)

        // Correct typos first, on the raw scalars, so that lexicon and slot matching see the fixed word.
        q = correctTypos(q, index: index, notes: &result.corrections)
        q = joinSeparatedWords(q, index: index)
        result.elsewhere = elsewhereWords(q)

        var pieces: [Piece] = []
        var howUnit: QueryUnit?
        var i = 0
        while i < q.count {
            if let (range, used) = time.parse(q, at: i) {
                // 每月初, 每周五: a recurring time narrows nothing down; 每 and the time both drop out.
                if case .han("每") = pieces.last {
                    pieces.removeLast()
                } else {
                    result.slots.dateRange = range
                }
                pieces.append(.gap)
                i += used
                continue
            }
            if let (word, region) = longestRegion(q, at: i) {
                result.slots.region = region
                pieces.append(.gap)
                i += word
                continue
            }
            if let n = quantityPhrase(q, at: i, index: index) {
                pieces.append(.gap)
                i += n
                continue
            }
            let previousIsContent: Bool = if case .han = pieces.last { true } else { false }
            // A one-character lexicon word (查, 卖) inside a word of the knowledge base (科技查新) is part of it.
            // So is a one-character function word: 才 in 科技人才, 要 in 要求.
            if let word = longestLexiconWord(q, at: i),
               word.unicodeScalars.count > 1 || !bindsToNeighbour(q, i, index, previousIsContent: previousIsContent, time: time) {
                let n = word.unicodeScalars.count
                if lexicon.functionWords.contains(word) {
                    if let intent = lexicon.intents[word] { result.slots.intents.insert(intent) }
                    if Self.howWords.contains(word), i + n < q.count, !result.slots.intents.contains("process"),
                       let process = lexicon.intentWords["process"] {
                        result.slots.intents.insert("process")
                        let answers = lexicon.intentAnswers["process"] ?? []
                        howUnit = QueryUnit(text: word, terms: [], alternatives: (process + answers).map { termsOf($0) }, role: .hint, chars: [])
                    }
                    pieces.append(word == "的" ? .of : .gap)
                } else {
                    pieces.append(.word(word))
                }
                i += n
                continue
            }
            let s = q[i]
            if TextNormalizer.isHan(s.value) {
                pieces.append(.han(s))
                i += 1
            } else if s == TextNormalizer.breakScalar {
                pieces.append(.gap)
                i += 1
            } else {
                var j = i
                while j < q.count, !TextNormalizer.isHan(q[j].value), q[j] != TextNormalizer.breakScalar { j += 1 }
                pieces.append(.latin(String(String.UnicodeScalarView(q[i..<j]))))
                i = j
            }
        }

        // A run of plain characters becomes one unit (its characters and adjacent pairs); lexicon words become
        // one unit each.
        var run: [Unicode.Scalar] = []
        var yielded: Set<String> = []
        func flushRun() {
            defer { run.removeAll() }
            guard !run.isEmpty else { return }
            let text = String(String.UnicodeScalarView(run))
            let full = (lexicon.abbreviations[text] ?? []).map { termsOf($0) }
            result.units.append(QueryUnit(
                text: text, terms: Tokenizer.terms(run, unigrams: true), alternatives: full + (lexicon.synonyms[text] ?? []).map { termsOf($0) },
                role: .topic, chars: run, fullForms: full.count))
        }
        for (k, piece) in pieces.enumerated() {
            switch piece {
            case .han(let s): run.append(s)
            case .gap, .of: flushRun()
            case .word(let w) where countsSomething(w, before: k + 1 < pieces.count ? pieces[k + 1] : nil):
                flushRun()
            case .latin(let w):
                flushRun()
                let scalars = Array(w.unicodeScalars)
                let full = (lexicon.abbreviations[w] ?? []).map { termsOf($0) }
                // gb14925 also finds GB 14925 (see `Tokenizer.parts`).
                let parts = Tokenizer.parts(scalars[...])
                let alternatives = full + (parts.isEmpty ? [] : [parts.map { Term.word($0) }])
                // A bare number (2027, 60, 15) refines a question but is not its topic: scored, never required.
                let isNumber = scalars.allSatisfy { (0x30...0x39).contains($0.value) }
                result.units.append(QueryUnit(text: w, terms: [.word(scalars[...])], alternatives: alternatives,
                                              role: isNumber && alternatives.isEmpty ? .hint : .topic, chars: [], fullForms: full.count))
            case .word(let w):
                flushRun()
                // 网址是多少, 电话多少: the quantity word asks for the value of the intent noun before it;
                // 条件是什么: "what is it" after an intent noun asks for that noun, not for a definition.
                if Self.quantityWords.contains(w) || lexicon.intents[w] == Self.definitionIntent,
                   let last = result.units.last, last.role == .hint,
                   let asked = lexicon.intents[last.text], let own = lexicon.intents[w], asked != own {
                    continue
                }
                let u = unit(forLexiconWord: w, slots: &result.slots, inNounPhrase: modifiesNoun(pieces, at: k))
                if let last = result.units.last, yieldsIntent(last, to: u), let intent = lexicon.intents[last.text] {
                    result.units.removeLast()
                    yielded.insert(intent)
                }
                result.units.append(u)
            }
        }
        flushRun()
        for intent in yielded where !result.units.contains(where: { lexicon.intents[$0.text] == intent }) {
            result.slots.intents.remove(intent)
        }
        // Only when no other intent word says what is asked (怎么登记 vs 怎么登记要什么材料).
        if let howUnit, !result.units.contains(where: { $0.role == .hint && lexicon.intents[$0.text] != nil }) {
            result.units.append(howUnit)
        }
        if result.slots.mentionsEvents, Self.whichEventsPhrases.contains(where: { result.normalized.contains($0) }) {
            result.slots.asksWhichEvents = true
        }
        for k in result.units.indices { result.units[k].charWeights = Self.characterWeights(result.units[k].chars, index: index) }
        return result
    }

    /// The idf of each character; a run of Latin letters or digits inside a lexicon word (CMA, R&D) weighs as
    /// the one word it is, shared among its letters, not as so many rare characters: otherwise CMA outweighed
    /// 创新券 threefold in 有CMA资质能当创新券服务机构吗.
    static func characterWeights(_ chars: [Unicode.Scalar], index: SearchIndex) -> [Float] {
        var weights = chars.map { index.charIDF($0) }
        var k = 0
        while k < chars.count {
            guard !TextNormalizer.isHan(chars[k].value) else { k += 1; continue }
            var end = k
            while end < chars.count, !TextNormalizer.isHan(chars[end].value) { end += 1 }
            let share = index.idf(.word(chars[k..<end])) / Float(end - k)
            for j in k..<end { weights[j] = share }
            k = end
        }
        return weights
    }

    /// Other agencies' words in the question, longest first at each position, without overlaps.
    func elsewhereWords(_ q: [Unicode.Scalar]) -> [ElsewhereWord] {
        guard !lexicon.elsewhere.isEmpty else { return [] }
        var found: [ElsewhereWord] = []
        var i = 0
        while i < q.count {
            if let (info, n) = words.longest(q, at: i, where: { $0.agency != nil }), let agency = info.agency {
                if !found.contains(where: { $0.word == info.word }) { found.append(ElsewhereWord(word: info.word, agency: agency)) }
                i += n
            } else {
                i += 1
            }
        }
        return found
    }

    /// 有多少技术人员, 多少个项目: a quantity word before a topic counts that topic; it does not ask for money,
    /// so it neither sets the amount intent nor pulls reward and subsidy entries up.
    func countsSomething(_ w: String, before next: Piece?) -> Bool {
        guard Self.quantityWords.contains(w), let next else { return false }
        switch next {
        case .han: return true
        case .word(let n): return lexicon.intents[n] == nil && lexicon.kindWords[n] == nil
        case .latin, .gap, .of: return false
        }
    }

    /// Whether the intent noun at `k` sits inside a noun phrase: a topic right before it and 的 + a topic after
    /// it (成果登记证明的作用, 申报材料的格式).
    func modifiesNoun(_ pieces: [Piece], at k: Int) -> Bool {
        guard k > 0, k + 2 < pieces.count, case .word(let w) = pieces[k], lexicon.intents[w] != nil,
              case .of = pieces[k + 1] else { return false }
        func isTopic(_ p: Piece) -> Bool {
            switch p {
            case .han: return true
            case .word(let x): return lexicon.intents[x] == nil && lexicon.kindWords[x] == nil
            default: return false
            }
        }
        return isTopic(pieces[k - 1]) && isTopic(pieces[k + 2])
    }

    static let quantityWords: Set<String> = ["多少"]
    /// The intent of 是什么 / 是个啥 (lexicon `intents.definition`).
    static let definitionIntent: Intent = "definition"

    /// 需要什么条件, 要准备啥材料: a "what is needed" phrase right before an intent noun asks for that noun, so
    /// the phrase's own intent (材料 for 需要什么) would only pull the ranking towards the wrong kind of answer.
    func yieldsIntent(_ previous: QueryUnit, to next: QueryUnit) -> Bool {
        guard previous.role == .hint, next.role == .hint, let first = lexicon.intents[previous.text],
              let second = lexicon.intents[next.text], first != second else { return false }
        return Self.interrogatives.contains { previous.text.hasSuffix($0) }
    }

    static let interrogatives = ["什么", "啥", "哪些"]

    /// `inNounPhrase`: an intent noun between a topic and 的 + noun (登记证明的作用) names a thing, not what is
    /// asked; it stays a topic word.
    func unit(forLexiconWord w: String, slots: inout QuerySlots, inNounPhrase: Bool = false) -> QueryUnit {
        var role = QueryUnit.Role.topic
        if let kind = lexicon.kindWords[w] {
            slots.kinds.insert(kind)
            role = .hint
        }
        if Self.genericEventWords.contains(w) {
            slots.mentionsEvents = true
            role = .hint
        }
        let forms = lexicalForms[w] ?? LexicalForms(terms: termsOf(w), full: [], others: [])
        var alternatives = forms.full + forms.others
        if let intent = lexicon.intents[w], !inNounPhrase {
            slots.intents.insert(intent)
            role = .hint
            // 要求 asks for what 条件 answers: every word of the intent stands for it; and 给多少钱 is answered by an
            // entry called 扶持措施: the intent's answer words count as well.
            for form in intentForms[intent] ?? [] where form.word != w { alternatives.append(form.terms) }
        }
        return QueryUnit(text: w, terms: forms.terms, alternatives: alternatives, role: role, chars: Array(w.unicodeScalars),
                         fullForms: forms.full.count)
    }

    /// The full forms of the longest shorter abbreviation a lexicon word starts with, when the word has none
    /// of its own: 中介机构 (a synonym of 第三方机构) also stands for what 中介 does (技术转移机构).
    func prefixForms(_ w: String) -> [String] { Self.prefixForms(w, lexicon) }

    static func prefixForms(_ w: String, _ lexicon: Lexicon) -> [String] {
        let s = Array(w.unicodeScalars)
        guard lexicon.abbreviations[w] == nil, s.count > 2 else { return [] }
        for n in stride(from: s.count - 1, through: 2, by: -1) {
            let prefix = String(String.UnicodeScalarView(s[0..<n]))
            if let forms = lexicon.abbreviations[prefix] { return forms.filter { $0 != w } }
        }
        return []
    }

    /// Bigrams of a word, or its single character.
    func termsOf(_ w: String) -> [Term] { Self.terms(of: w) }

    static func terms(of w: String) -> [Term] {
        let s = Array(w.unicodeScalars)
        if s.count == 1 { return [.unigram(s[0])] }
        let terms = Tokenizer.terms(s, unigrams: false)
        return terms.isEmpty ? [.word(s[...])] : terms
    }

    func longestRegion(_ q: [Unicode.Scalar], at i: Int) -> (Int, String)? {
        guard let (info, n) = words.longest(q, at: i, where: { $0.region != nil }), let region = info.region else { return nil }
        return (n, region)
    }

    func longestLexiconWord(_ q: [Unicode.Scalar], at i: Int) -> String? {
        words.longest(q, at: i, where: { $0.isFunction || $0.isLexical })?.info.word
    }

    /// A one-character function word (要, 有, 能 …) is part of a real word when it forms a known title
    /// bigram with a neighbouring content character (要求, 有效期, 智能, but not 有|啥 or 有|什么), or begins a
    /// word of the lexicon's `elsewhere` section.
    /// Sentence-final particles: never part of a word, whatever the aliases contain (能入库吗 → 库吗).
    static let particles: Set<Unicode.Scalar> = Set("吗呢啊吧呀嘛哦啦么哈呗".unicodeScalars)

    func bindsToNeighbour(_ q: [Unicode.Scalar], _ i: Int, _ index: SearchIndex, previousIsContent: Bool, time: TimeSlotParser) -> Bool {
        let c = q[i]
        if Self.particles.contains(c) { return false }
        // It begins a word of another agency's business (就 in 就业补贴): a real word, whatever the titles hold.
        if let other = words.longest(q, at: i, where: { $0.agency != nil }), other.length > 1 { return true }
        if previousIsContent, index.isHeadTerm(.bigram(q[i - 1], c)) { return true }
        // The next character counts only if it does not start a function word, region or time of its own.
        let next = i + 1
        guard next < q.count, TextNormalizer.isHan(q[next].value),
              words.longest(q, at: next, where: { $0.isFunction || $0.region != nil }) == nil,
              time.parse(q, at: next) == nil else { return false }
        return index.isHeadTerm(.bigram(c, q[next]))
    }

    static let hanNumerals: Set<Unicode.Scalar> = Set("一二两三四五六七八九十百千几俩半".unicodeScalars)
    static let measureWords: Set<Unicode.Scalar> = Set("个年家项次回人名天月周篇件条份所位岁场批期轮台套".unicodeScalars)

    /// 一个人, 两年, 三家, 俩: a count in words says how many, not what about; like a bare number it is no topic.
    /// Not when the knowledge base's titles, aliases or tags have the pair (一次性, 十四五, 两化融合).
    func quantityPhrase(_ q: [Unicode.Scalar], at i: Int, index: SearchIndex) -> Int? {
        guard Self.hanNumerals.contains(q[i]), i == 0 || !Self.hanNumerals.contains(q[i - 1]) else { return nil }
        var end = i
        while end < q.count, Self.hanNumerals.contains(q[end]) { end += 1 }
        if end - i == 1, q[i] == "俩" { return 1 }
        guard end < q.count, Self.measureWords.contains(q[end]) else { return nil }
        for k in i..<end where index.isHeadTerm(.bigram(q[k], q[k + 1])) { return nil }
        if i > 0, index.isHeadTerm(.bigram(q[i - 1], q[i])) { return nil }
        return end + 1 - i
    }

    /// Measure words and aspect particles that colloquial speech puts inside a verb-object word: 揭几个榜,
    /// 报个名, 登个记, 开了票.
    static let separators: [[Unicode.Scalar]] = ["几个", "一个", "个", "了", "过"].map { Array($0.unicodeScalars) }

    /// Closes up a word of the knowledge base's titles, aliases and tags that the question splits with a
    /// measure word or particle (揭几个榜 → 揭榜), when the split pieces are not words themselves.
    func joinSeparatedWords(_ q: [Unicode.Scalar], index: SearchIndex) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        var i = 0
        while i < q.count {
            out.append(q[i])
            let a = q[i]
            i += 1
            guard TextNormalizer.isHan(a.value) else { continue }
            for sep in Self.separators where i + sep.count < q.count && Array(q[i..<(i + sep.count)]) == sep {
                let b = q[i + sep.count]
                guard TextNormalizer.isHan(b.value), index.isHeadTerm(.bigram(a, b)),
                      !index.isHeadTerm(.bigram(a, sep[0])), !index.isHeadTerm(.bigram(sep[sep.count - 1], b)) else { continue }
                i += sep.count
                break
            }
        }
        return out
    }

    /// A question's punctuation and spaces go, except between two digits: 107-1表 and 3.5万 are two numbers, as
    /// the entries that write them are indexed (a document keeps a break wherever punctuation stood).
    static func digitsKeptApart(_ q: [Unicode.Scalar]) -> [Unicode.Scalar] {
        func isDigit(_ k: Int) -> Bool { k >= 0 && k < q.count && (0x30...0x39).contains(q[k].value) }
        return q.indices.compactMap { k in
            q[k] != TextNormalizer.breakScalar || (isDigit(k - 1) && isDigit(k + 1)) ? q[k] : nil
        }
    }

    /// A one-character function word (得, 的, 有, 要): rewriting into it cannot bring a topic word closer
    /// (一年得下乡 would become 一年的下乡 and leave 的 as a topic unit), and it is rewritten itself only
    /// between two topic characters (管里办法).
    func isFunctionChar(_ c: Unicode.Scalar) -> Bool { functionChars.contains(c) }

    /// Replaces characters of bigrams that the index's title/alias/tag vocabulary does not know with a
    /// homophone or look-alike that makes the bigram known.
    func correctTypos(_ q: [Unicode.Scalar], index: SearchIndex, notes: inout [String]) -> [Unicode.Scalar] {
        var q = q
        func known(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool { index.isHeadTerm(.bigram(a, b)) }
        func isHan(_ k: Int) -> Bool { k >= 0 && k < q.count && TextNormalizer.isHan(q[k].value) }
        // Never rewrite characters that belong to a lexicon word of two or more characters, a region name or
        // another agency's word (商标 is no typo of anything in the knowledge base).
        var protected = [Bool](repeating: false, count: q.count)
        for start in 0..<q.count {
            let lexical = words.longest(q, at: start, where: { $0.isFunction || $0.isLexical })?.length ?? 0
            let named = words.longest(q, at: start, where: { $0.region != nil || $0.agency != nil })?.length ?? 0
            let n = max(lexical > 1 ? lexical : 0, named)
            for k in start..<(start + n) { protected[k] = true }
        }
        // A pair is evidence that both characters are right when a title, alias or tag has it, or when at
        // least two entries use it: 科技进步 stays (进步 is in bodies), 年保 (once, inside 年保持) does not.
        func anchored(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
            known(a, b) || index.documentFrequency(.bigram(a, b)) >= 2
        }
        func knownNeighbours(_ k: Int, _ c: Unicode.Scalar) -> Int {
            var n = 0
            if isHan(k - 1), known(q[k - 1], c) { n += 1 }
            if isHan(k + 1), known(c, q[k + 1]) { n += 1 }
            return n
        }
        // A function character between two topic characters (管里办法) may be a mistyped topic character. Its
        // own pairs are no evidence either way: titles phrased as questions pair it with anything (哪里办).
        func enclosed(_ k: Int) -> Bool {
            isHan(k - 1) && isHan(k + 1) && !isFunctionChar(q[k - 1]) && !isFunctionChar(q[k + 1])
        }
        var k = 0
        while k < q.count - 1 {
            defer { k += 1 }
            guard isHan(k), isHan(k + 1), !anchored(q[k], q[k + 1]) else { continue }
            var best: (pos: Int, char: Unicode.Scalar, gain: Int, df: Int)?
            for pos in [k + 1, k] where !protected[pos] && (!isFunctionChar(q[pos]) || enclosed(pos)) {
                // A character anchored to its other neighbour is right; the typo is on the other side.
                let other = pos == k + 1 ? pos + 1 : pos - 1
                let function = isFunctionChar(q[pos])
                if !function, isHan(other), pos < other ? anchored(q[pos], q[other]) : anchored(q[other], q[pos]) { continue }
                // Nor is there evidence against it when that neighbour is a character the store never uses: the
                // two are a word the store does not know (杰出), not a typo to mend into 杰除.
                if isHan(other), !index.usesCharacter(q[other]) { continue }
                let original = q[pos]
                let before = function ? 0 : knownNeighbours(pos, original)
                let candidates = pos == k + 1
                    ? index.headBigramSeconds(after: q[k]) : index.headBigramFirsts(before: q[k + 1])
                // The character's pair with its other neighbour, if the store has it anywhere (利益, once, in a
                // body): a candidate must not trade it for a pair the store never has (人员利益 → 人员离益).
                let keptPair = isHan(other) && (pos < other ? index.documentFrequency(.bigram(q[pos], q[other]))
                                                             : index.documentFrequency(.bigram(q[other], q[pos]))) > 0
                for c in candidates where c != original && !isFunctionChar(c) {
                    guard pinyin.soundsAlike(c, original) || (lexicon.lookalikes[original]?.contains(c) ?? false) else { continue }
                    if keptPair, (pos < other ? index.documentFrequency(.bigram(c, q[other])) : index.documentFrequency(.bigram(q[other], c))) == 0 {
                        continue
                    }
                    let gain = knownNeighbours(pos, c) - before
                    let df = pos == k + 1 ? index.documentFrequency(.bigram(q[k], c)) : index.documentFrequency(.bigram(c, q[k + 1]))
                    // A function character is most often just that (儿子是农技员): it is rewritten only into one
                    // that joins both its neighbours into words of the store (管里办法 → 管理办法).
                    guard gain > 0, !function || gain >= 2 else { continue }
                    if let b = best, gain < b.gain || (gain == b.gain && df <= b.df) { continue }
                    best = (pos, c, gain, df)
                }
            }
            if let best {
                notes.append("\(Character(q[best.pos]))→\(Character(best.char))")
                q[best.pos] = best.char
            }
        }
        return q
    }
}
