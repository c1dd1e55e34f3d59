import Foundation
import TepaiCore

/// One ranked entry in an answer.
public struct Hit: Sendable {
    public var entry: Entry
    public var score: Float
    /// An event whose day is before today: still answerable, marked 已结束 in replies.
    public var ended: Bool
    /// Share of the question's topic (and slots) this entry covers, idf-weighted (0…1).
    public var coverage: Float
    /// The same, counting only the entry's title, aliases and tags.
    public var headCoverage: Float
    /// The longest piece of the question (or of a lexicon form of it) found as is in title, aliases or tags.
    public var longestHeadMatch: Int
    /// `score` with whole-entry coverage counted in: orders the answer once the bot has decided to answer.
    public internal(set) var answerScore: Float = 0
}

/// The outcome of one question.
public struct SearchOutcome: Sendable {
    public var query: String
    public var analyzed: AnalyzedQuery
    public var declined: Bool
    /// Why the bot declined, in words for the console and logs.
    public var declineReason: String?
    public var hits: [Hit]
    /// Set when the bot declined because the question is another agency's business.
    public var elsewhere: ElsewhereWord? = nil
}

/// Tunable constants of ranking and declining, fixed on the dev set (see `seeds/README.md`).
public struct RankingTuning: Sendable {
    public var unigramWeight: Float = 0.5
    public var alternativeWeight: Float = 1.0
    public var hintWeight: Float = 1.0
    public var kindBoost: Float = 1.4
    public var regionMatchBoost: Float = 2.0
    public var otherCountyPenalty: Float = 0.4
    /// A county's own rule when the question names no place: the city-wide one comes first (研究生站 asks about the
    /// city's scheme, not 开平区's top-up), by a margin small enough that a better match still wins.
    public var unaskedCountyPenalty: Float = 0.95
    public var upcomingBoost: Float = 1.25
    public var pastEventPenalty: Float = 1.0
    public var outOfRangePenalty: Float = 0.5
    /// Events rank below rules and FAQs when the question names no event, place or time.
    public var unaskedEventPenalty: Float = 0.75
    /// Decline when the best entry covers less than this share of the topic (idf-weighted).
    public var minCoverage: Float = 0.56
    /// Coverage credit for a question character found in an entry but not next to its question neighbour.
    public var loneCharCredit: Float = 0.5
    /// How much title/alias/tag coverage counts against whole-entry coverage.
    public var headShare: Float = 0.25
    /// A verbatim match of this many characters in title/aliases/tags lowers the bar to `minCoverageWithPhrase`.
    public var phraseLength = 4
    public var minCoverageWithPhrase: Float = 0.25
    /// When the best entry falls short of the coverage bar, the first one below it that clears the bar takes
    /// its place if it scores at least this share of the best: an intent word shared with an unrelated title
    /// (多久 in 多久能办完) must not push the entry about the question's topic out and decline.
    public var coveringScoreRatio: Float = 0.8
    /// …or this share when it covers the question (nearly) whole: 研发后补助 finds 外资研发中心 first on 研发,
    /// while 研发投入后补助 holds every word.
    public var fullCoverScoreRatio: Float = 0.6
    public var fullCover: Float = 0.95
    /// A question naming another agency's business (lexicon `elsewhere`) is answered only when the best
    /// entry is about that word too, or covers this share of the rest of the question (see `elsewhere`).
    public var minElsewhereRestCoverage: Float = 0.56
    /// …and when the rest weighs at least this share of the word (idf-weighted): 社保补贴申请 is about 社保.
    public var minElsewhereRestWeight: Float = 0.5
    /// Coverage weight of a one-character topic unit relative to its idf.
    public var singleCharWeight: Float = 0.3
    /// Weight of a region, time or event-kind slot in coverage, against a character's idf (≈2–6).
    public var slotWeight: Float = 4
    /// Non-events when the question names an event kind (培训, 对接会), or 活动 with a time.
    public var nonEventPenalty: Float = 0.5
    /// Unigram postings of characters in more than this share of entries are skipped: at 100k entries they
    /// cost most of the query time and, at weight 0.3 × a low idf, change almost no ranking.
    public var maxUnigramShare: Float = 0.05
    /// Bigrams (and words) in more than this share of entries are skipped likewise (idf below ≈1.6).
    public var maxTermShare: Float = 0.2
    /// Below this many entries every term is scored (the seed knowledge base and most real ones).
    public var unigramPruneFloor = 2000
    /// Candidates passed to the second stage.
    public var rerankDepth = 10
    public var headBonus: Float = 1.0
    /// Once the bot answers, an entry whose title, aliases or tags hold a long verbatim piece of the question
    /// (function words included: 结题验收要准备哪些材料) goes up by this much per share of the question so held.
    public var phraseBonus: Float = 1.0
    /// Characters of the verbatim piece that earn nothing: a topic word and a particle (特派员要) is no phrase.
    public var phraseSlack = 2
    /// …and a piece shorter than this earns nothing at all.
    public var phraseMin = 3
    public var intentBonus: Float = 1.0
    /// Once the bot answers, an entry's score counts whole-entry coverage at this weight: of two sibling FAQs,
    /// the one whose body holds the question's remaining word (职称) goes first. The decision to answer is
    /// taken before, on the ranking without it, so it cannot make the bot answer more off-topic questions.
    public var wholeBonus: Float = 1.0
    /// The largest product of the slot adjustments above, for pruning in top-k selection.
    public var maxBoost: Float { kindBoost * regionMatchBoost * upcomingBoost }
    public init() {}
}

/// Ranks entries for a question and decides whether to answer at all.
public struct QueryEngine: Sendable {
    public let index: SearchIndex
    public let analyzer: QueryAnalyzer
    public let tuning: RankingTuning

    public init(index: SearchIndex, analyzer: QueryAnalyzer, tuning: RankingTuning = RankingTuning()) {
        self.index = index
        self.analyzer = analyzer
        self.tuning = tuning
    }

    public func search(_ text: String, today: LocalDate, limit: Int = 3) -> SearchOutcome {
        let q = analyzer.analyze(text, index: index, today: today)
        func declined(_ reason: String) -> SearchOutcome {
            SearchOutcome(query: text, analyzed: q, declined: true, declineReason: reason, hits: [])
        }
        let topics = q.topicUnits
        if topics.isEmpty {
            if q.slots.wantsEvent || q.slots.dateRange != nil { return listEvents(q, today: today, limit: limit) }
            return declined("问题里没有可检索的主题词")
        }

        var scores = [Float](repeating: 0, count: index.count)
        score(q.units, into: &scores)
        guard scores.contains(where: { $0 > 0 }) else { return declined("知识库里没有与问题相关的词") }

        let candidates = topK(scores: scores, k: max(limit, tuning.rerankDepth), adjust: makeAdjustment(q.slots, today))
        var hits = rerank(candidates, q, today: today, keep: max(limit, 5))
        guard let first = hits.first else { return declined("知识库里没有与问题相关的词") }
        var declines = shouldDecline(first)
        if declines, let k = standIn(hits) {
            hits.insert(hits.remove(at: k), at: 0)
            declines = false
        } else if !declines {
            // Whether to answer is decided on the ranking above; which entry answers, on how much of the
            // question each one holds as well.
            hits = hits.enumerated().sorted { a, b in
                a.element.answerScore > b.element.answerScore || (a.element.answerScore == b.element.answerScore && a.offset < b.offset)
            }.map(\.element)
        }
        let best = hits[0]
        let bestDoc = index.idIndex[best.entry.id] ?? 0
        if declines {
            // A question about another agency's business is pointed there, whatever made the decline.
            if let word = elsewhere(q, best: bestDoc, today: today) {
                return declinedAsElsewhere(word, q, text, hits: hits, limit: limit)
            }
            let missing = missing(topics, doc: bestDoc)
            let reason = missing.isEmpty
                ? String(format: "最接近的条目只覆盖了问题的 %.0f%%", best.headCoverage * 100)
                : "最接近的条目没有覆盖问题的关键词：\(missing.joined(separator: "、"))"
            // Candidates stay on the outcome for explanations; answers and JSON never show them.
            return SearchOutcome(query: text, analyzed: q, declined: true, declineReason: reason, hits: Array(hits.prefix(limit)))
        }
        if let word = elsewhere(q, best: bestDoc, today: today) {
            return declinedAsElsewhere(word, q, text, hits: hits, limit: limit)
        }
        hits = Array(hits.prefix(limit))
        return SearchOutcome(query: text, analyzed: q, declined: false, declineReason: nil, hits: hits)
    }

    func declinedAsElsewhere(_ word: ElsewhereWord, _ q: AnalyzedQuery, _ text: String, hits: [Hit], limit: Int) -> SearchOutcome {
        let reason = "问题问的是\(word.word)，属于\(word.agency)的业务，最接近的条目不是讲它的"
        return SearchOutcome(query: text, analyzed: q, declined: true, declineReason: reason, hits: Array(hits.prefix(limit)), elsewhere: word)
    }

    /// "迁西下个月有啥培训": no topic, only slots. Lists matching events, upcoming first by date.
    /// Works on `DocFacts` and entry numbers: a bare 有啥活动 matches every event in the store, and copying
    /// thousands of entries to sort them cost milliseconds at 10k entries.
    func listEvents(_ q: AnalyzedQuery, today: LocalDate, limit: Int) -> SearchOutcome {
        let asked = q.slots.kinds.filter(\.isEvent)
        let kinds: [EntryKind] = asked.isEmpty ? [.training, .matching] : Array(asked)
        let region: Int32? = q.slots.region.map(index.regionCode)
        let range = q.slots.dateRange.map { (Int32($0.from.dayNumber), Int32($0.to.dayNumber)) }
        let todayNumber = Int32(today.dayNumber)
        var upcoming: [Int] = []
        var past: [Int] = []
        for (doc, f) in index.facts.enumerated() {
            guard f.eventDay != Int32.min, kinds.contains(f.kind) else { continue }
            if let region, f.region != region { continue }
            if let (from, to) = range, f.eventDay < from || f.eventDay > to { continue }
            if f.lastDay < todayNumber { past.append(doc) } else { upcoming.append(doc) }
        }
        // Soonest upcoming first, then (only when the question names a period) the most recent past ones;
        // entry order breaks ties.
        let facts = index.facts
        let soonest = upcoming.smallest(limit) { (facts[$0].eventDay, $0) < (facts[$1].eventDay, $1) }
        let latest = range == nil ? [] : past.smallest(limit) { (-Int64(facts[$0].eventDay), $0) < (-Int64(facts[$1].eventDay), $1) }
        let total = upcoming.count + (range == nil ? 0 : past.count)
        guard total > 0 else {
            let what = [q.slots.region, q.slots.dateRange?.label, kinds.count == 1 ? kinds.first?.label : "活动"].compactMap { $0 }.joined(separator: " ")
            return SearchOutcome(query: q.original, analyzed: q, declined: true, declineReason: "没有找到符合条件的活动：\(what)", hits: [])
        }
        let hits = (soonest + latest).prefix(limit).enumerated().map { (i, doc) in
            Hit(entry: index.entries[doc], score: Float(total - i), ended: facts[doc].lastDay < todayNumber,
                coverage: 1, headCoverage: 1, longestHeadMatch: 0)
        }
        return SearchOutcome(query: q.original, analyzed: q, declined: false, declineReason: nil, hits: Array(hits))
    }

    func isPast(_ e: Entry, _ today: LocalDate) -> Bool {
        guard e.kind.isEvent, let day = e.endsAt?.date ?? e.eventDay else { return false }
        return day < today
    }

    /// Adds each unit's best-scoring form (as typed, or a lexicon alternative) to every entry's score: a unit
    /// counts once however many synonyms it has.
    func score(_ units: [QueryUnit], into scores: inout [Float]) {
        let n = index.count
        let pruneAbove = n >= tuning.unigramPruneFloor
        let unigramLimit = pruneAbove ? Int(Float(n) * tuning.maxUnigramShare) : Int.max
        let bigramLimit = pruneAbove ? Int(Float(n) * tuning.maxTermShare) : Int.max
        /// A form's terms that the store holds and that are not pruned, each once, with its query weight.
        func scored(_ terms: [Term], _ w: Float) -> [(id: Int32, weight: Float)] {
            var out: [(id: Int32, weight: Float)] = []
            out.reserveCapacity(terms.count)
            for t in terms {
                guard let id = index.termID(t), !out.contains(where: { $0.id == id }) else { continue }
                let unigram = t.isUnigram && terms.count > 1
                guard index.documentFrequency(id: id) <= (unigram ? unigramLimit : bigramLimit) else { continue }
                out.append((id, unigram ? w * tuning.unigramWeight : w))
            }
            return out
        }
        var best: [Float] = []
        var form: [Float] = []
        scores.withUnsafeMutableBufferPointer { total in
            for unit in units {
                let base: Float = unit.role == .topic ? 1 : tuning.hintWeight
                // Intent and kind words are weighed against titles in the rerank; here only their own words
                // count, which keeps their long lists of alternatives out of the posting traversal.
                if unit.role == .hint || unit.alternatives.isEmpty {
                    for s in scored(unit.terms, base) { index.accumulate(id: s.id, queryWeight: s.weight, into: total) }
                    continue
                }
                // Several forms (as typed, full forms, synonyms): the unit adds its best form only.
                if best.isEmpty {
                    best = [Float](repeating: 0, count: n)
                    form = [Float](repeating: 0, count: n)
                }
                best.withUnsafeMutableBufferPointer { best in
                    form.withUnsafeMutableBufferPointer { form in
                        var unitIDs: [Int32] = []
                        for k in 0...unit.alternatives.count {
                            let terms = k == 0 ? unit.terms : unit.alternatives[k - 1]
                            let w = k == 0 || k <= unit.fullForms ? base : base * tuning.alternativeWeight
                            let formTerms = scored(terms, w)
                            for s in formTerms { index.accumulate(id: s.id, queryWeight: s.weight, into: form) }
                            // Fold over the form's own postings, not over every entry.
                            for s in formTerms {
                                index.withPostings(id: s.id) { docs in
                                    for d32 in docs {
                                        let d = Int(d32)
                                        if form[d] > 0 {
                                            best[d] = max(best[d], form[d])
                                            form[d] = 0
                                        }
                                    }
                                }
                                if !unitIDs.contains(s.id) { unitIDs.append(s.id) }
                            }
                        }
                        for id in unitIDs {
                            index.withPostings(id: id) { docs in
                                for d32 in docs {
                                    let d = Int(d32)
                                    if best[d] > 0 {
                                        total[d] += best[d]
                                        best[d] = 0
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Second stage over the best candidates: evidence BM25 does not see — how much of the question the
    /// entry's title, aliases and tags hold (as a whole phrase, and character by character), and whether
    /// they answer the asked intent (条件, 时间, 材料 …), which separates sibling entries of one topic.
    func rerank(_ candidates: [(doc: Int, score: Float)], _ q: AnalyzedQuery, today: LocalDate, keep: Int) -> [Hit] {
        let topics = q.topicUnits
        let hints = q.units.filter { $0.role == .hint }
        let topicWeights = topics.map(characterWeights)
        let hintWeights = hints.map(characterWeights)
        let numbers = hints.filter(\.isBareNumber)
        var ranked = candidates.map { c -> (doc: Int, score: Float, head: Float) in
            let head = coverage(topics, q.slots, doc: c.doc, today: today, headOnly: true, weights: topicWeights, numbers: numbers)
            let hintHits = hints.isEmpty ? 0 : Float(hints.indices.reduce(0) { n, i in
                let u = unitCoverage(hints[i], doc: c.doc, headOnly: true, weights: hintWeights[i])
                return u.covered >= u.total * 0.99 ? n + 1 : n
            }) / Float(hints.count)
            return (c.doc, c.score * (1 + tuning.headBonus * head + tuning.intentBonus * hintHits), head)
        }
        ranked.sort { $0.score > $1.score || ($0.score == $1.score && $0.doc < $1.doc) }
        // Whole-entry coverage and the phrase check matter only for what is returned and the decline rule.
        let asked = Array(q.normalized.unicodeScalars.filter { TextNormalizer.isHan($0.value) })
        return ranked.prefix(keep).map { r in
            let e = index.entries[r.doc]
            let whole = coverage(topics, q.slots, doc: r.doc, today: today, weights: topicWeights, numbers: numbers)
            var answer = r.score * (1 + tuning.wholeBonus * whole)
            // Not for an ended event: its title must not lift it above an upcoming one of the same topic.
            if tuning.phraseBonus > 0, asked.count > 0, !isPast(e, today) {
                let run = phraseRun(asked, doc: r.doc)
                if run >= tuning.phraseMin { answer *= 1 + tuning.phraseBonus * Float(run - tuning.phraseSlack) / Float(asked.count) }
            }
            return Hit(entry: e, score: r.score, ended: isPast(e, today), coverage: whole, headCoverage: r.head,
                       longestHeadMatch: longestHeadMatch(q.units, doc: r.doc), answerScore: answer)
        }
    }

    /// The longest piece of the question (function words included) an entry's title, aliases or tags hold
    /// verbatim, less the one-character function words at its ends: 特派员要 is the topic word and a particle.
    func phraseRun(_ asked: [Unicode.Scalar], doc: Int) -> Int {
        let found = index.longestHeadRun(asked, in: doc)
        var start = found.end - found.count, end = found.end
        while start < end, analyzer.functionChars.contains(asked[start]) { start += 1 }
        while end > start, analyzer.functionChars.contains(asked[end - 1]) { end -= 1 }
        return end - start
    }

    /// Slot-driven boosts and penalties on top of the text score, computed from `DocFacts` only.
    func makeAdjustment(_ slots: QuerySlots, _ today: LocalDate) -> (Int) -> Float {
        let t = tuning
        let facts = index.facts
        let kinds = Array(slots.kinds)
        // 活动 alone is also a word of names (科技活动周, 研发活动); with a time (近期有啥科普活动) or asked for as
        // such (双碳方面有啥活动) it asks for events.
        let asksForEvents = kinds.contains(where: \.isEvent) || (slots.mentionsEvents && (slots.dateRange != nil || slots.asksWhichEvents))
        let region = slots.region.map { index.regionCode($0) }
        let todayNumber = Int32(today.dayNumber)
        let range = slots.dateRange.map { (Int32($0.from.dayNumber), Int32($0.to.dayNumber)) }
        let unasked = !slots.wantsEvent && slots.dateRange == nil && slots.region == nil
        return { doc in
            let e = facts[doc]
            var f: Float = 1
            let isEvent = e.kind.isEvent
            if kinds.contains(e.kind) { f *= t.kindBoost }
            if asksForEvents && !isEvent { f *= t.nonEventPenalty }
            if let region {
                if e.region == region {
                    f *= t.regionMatchBoost
                } else if isEvent || e.region > 1 {
                    // An event elsewhere (even a city one) or another county's rule does not answer "in 迁西".
                    f *= t.otherCountyPenalty
                }
            } else if !isEvent && e.region > 1 {
                f *= t.unaskedCountyPenalty
            }
            if isEvent && e.eventDay != Int32.min {
                if e.lastDay < todayNumber { f *= t.pastEventPenalty } else if slots.wantsEvent { f *= t.upcomingBoost }
                if let (from, to) = range, e.eventDay < from || e.eventDay > to { f *= t.outOfRangePenalty }
                if unasked { f *= t.unaskedEventPenalty }
            }
            return f
        }
    }

    /// The k best candidates by adjusted score, best first (ties by entry order), without sorting them all.
    func topK(scores: [Float], k: Int, adjust: (Int) -> Float) -> [(doc: Int, score: Float)] {
        var best: [(doc: Int, score: Float)] = []
        best.reserveCapacity(k + 1)
        var floor: Float = 0
        scores.withUnsafeBufferPointer { scores in
            for d in 0..<scores.count {
                let raw = scores[d]
                // Adjustments are at most `maxBoost`: skip candidates that cannot enter the list.
                if raw == 0 || raw * tuning.maxBoost < floor { continue }
                let s = raw * adjust(d)
                if best.count == k, let last = best.last, s <= last.score { continue }
                var pos = best.count
                while pos > 0, best[pos - 1].score < s { pos -= 1 }
                best.insert((d, s), at: pos)
                if best.count > k { best.removeLast() }
                if best.count == k, let last = best.last { floor = last.score }
            }
        }
        return best
    }

    /// When the best entry falls short of the coverage bar: the first one below it that clears the bar, if it
    /// scores close enough to the best (`coveringScoreRatio`, or `fullCoverScoreRatio` when it holds the
    /// question nearly whole).
    func standIn(_ hits: [Hit]) -> Int? {
        guard let first = hits.first, let k = hits.indices.dropFirst().first(where: { !shouldDecline(hits[$0]) }) else { return nil }
        let whole = blended(hits[k].coverage, head: hits[k].headCoverage) >= tuning.fullCover
        return hits[k].score >= first.score * (whole ? tuning.fullCoverScoreRatio : tuning.coveringScoreRatio) ? k : nil
    }

    /// The documented decline rule (thresholds fixed on the dev set): answer when the best entry covers
    /// enough of the question, counting title/alias/tag matches more, or holds a long piece of it verbatim.
    func shouldDecline(_ best: Hit) -> Bool {
        if best.longestHeadMatch >= tuning.phraseLength { return best.coverage < tuning.minCoverageWithPhrase }
        return blended(best.coverage, head: best.headCoverage) < tuning.minCoverage
    }

    /// Whole-entry coverage with title/alias/tag coverage counted in at `headShare`, as the decline rules read it.
    func blended(_ whole: Float, head: Float) -> Float {
        whole * (1 - tuning.headShare) + head * tuning.headShare
    }

    /// The other agency's word that makes the bot decline, if any: 商标注册流程 finds the 知识产权质押 entry,
    /// whose body mentions 商标, but no entry is about registering one. The word is not held against an entry
    /// whose title, aliases or tags contain it, nor when the rest of the question weighs enough against the
    /// word and the entry covers that rest (团队还没注册公司能领券吗 asks who may apply for vouchers).
    /// What is asked for (补贴, 贴息, 奖励) does not count as the rest: it says nothing about whose business
    /// the question is (社保补贴申请).
    func elsewhere(_ q: AnalyzedQuery, best doc: Int, today: LocalDate) -> ElsewhereWord? {
        guard !q.elsewhere.isEmpty else { return nil }
        let topics = q.topicUnits
        var weights = topics.map(characterWeights)
        func total(_ w: [[Float]]) -> Float { w.reduce(0) { $0 + $1.reduce(0, +) } }
        let all = total(weights)
        var found: ElsewhereWord?
        for word in q.elsewhere {
            // The word or its full form (个税 → 个人所得税: the short form's characters in order) in the entry's
            // title, aliases or tags; not a broader word the lexicon also maps it to (商标 → 知识产权).
            let forms = [word.word] + (analyzer.lexicon.abbreviations[word.word] ?? []).filter { Self.isSubsequence(word.chars, of: Array($0.unicodeScalars)) }
            if forms.contains(where: { let f = Array($0.unicodeScalars); return index.longestHeadMatch(f, in: doc) >= f.count }),
               !asksOnlyItsRoutine(word, topics, weights: weights, doc: doc, today: today) { continue }
            found = found ?? word
            weights = without(word, topics, weights: weights)
        }
        guard let found else { return nil }
        let wordWeight = all - total(weights)
        for (u, unit) in topics.enumerated() {
            for run in Self.runs(where: weights[u].map { $0 > 0 }) where isNeutral(unit.chars[run]) {
                for k in run { weights[u][k] = 0 }
            }
        }
        let restWeight = total(weights)
        if restWeight < wordWeight * tuning.minElsewhereRestWeight { return found }
        let none = QuerySlots()
        let whole = coverage(topics, none, doc: doc, today: today, weights: weights)
        let head = coverage(topics, none, doc: doc, today: today, headOnly: true, weights: weights)
        return blended(whole, head: head) < tuning.minElsewhereRestCoverage ? found : nil
    }

    /// `weights` with the word's characters set to 0. The word may span units (公司 | 注销) or sit inside a run of
    /// plain characters: with a word or more around it the run is one noun phrase (城镇土地使用税), unless
    /// `exactly`; a lone character is a verb (免房产税).
    func without(_ word: ElsewhereWord, _ topics: [QueryUnit], weights: [[Float]], exactly: Bool = false) -> [[Float]] {
        let chars = word.chars
        var weights = weights
        for (u, unit) in topics.enumerated() {
            if word.word.contains(unit.text) || (!exactly && unit.text.contains(word.word) && unit.chars.count - chars.count >= 2) {
                weights[u] = weights[u].map { _ in 0 }
                continue
            }
            for k in Self.positions(of: chars, in: unit.chars) { weights[u][k] = 0 }
        }
        return weights
    }

    /// An entry whose title, aliases or tags name the other agency's word answers it as usual, except when the
    /// question asks nothing but that word's own routine (软件著作权怎么登记: 登记 is the copyright office's act) and
    /// the entry's title, aliases and tags do not hold that routine: an alias 软件著作权能用于高企认定吗 makes the
    /// entry about 高企, not about registering software.
    func asksOnlyItsRoutine(_ word: ElsewhereWord, _ topics: [QueryUnit], weights: [[Float]], doc: Int, today: LocalDate) -> Bool {
        // Only the word itself: what else its run holds (博士后出站留下) is more than routine.
        let rest = without(word, topics, weights: weights, exactly: true)
        var anyRest = false
        for (u, unit) in topics.enumerated() {
            for run in Self.runs(where: rest[u].map { $0 > 0 }) {
                guard isNeutral(unit.chars[run]) else { return false }
                anyRest = true
            }
        }
        guard anyRest else { return false }
        return coverage(topics, QuerySlots(), doc: doc, today: today, headOnly: true, weights: rest) < tuning.minElsewhereRestCoverage
    }

    /// Whether `short`'s characters occur in `long` in order (个税 in 个人所得税).
    static func isSubsequence(_ short: [Unicode.Scalar], of long: [Unicode.Scalar]) -> Bool {
        var k = 0
        for c in long where k < short.count && c == short[k] { k += 1 }
        return k == short.count
    }

    /// Maximal ranges of consecutive `true`.
    static func runs(where flags: [Bool]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start: Int?
        for (k, on) in flags.enumerated() {
            if on, start == nil { start = k }
            if !on, let s = start { out.append(s..<k); start = nil }
        }
        if let s = start { out.append(s..<flags.count) }
        return out
    }

    /// Whether characters are wholly neutral words, one after another (申请延期, 证 | 延期), so that the rest
    /// of a question left beside another agency's word names nothing of ours.
    func isNeutral(_ chars: ArraySlice<Unicode.Scalar>) -> Bool {
        guard !chars.isEmpty else { return false }
        var ends: Set<Int> = [chars.startIndex]
        for start in chars.indices where ends.contains(start) {
            for end in (start + 1)...chars.endIndex where analyzer.neutralWords.contains(String(String.UnicodeScalarView(chars[start..<end]))) {
                ends.insert(end)
            }
        }
        return ends.contains(chars.endIndex)
    }

    /// Where a word lies in a unit: every occurrence, and a start or end of the unit that is the word's end or
    /// start, two characters or more (软件著作权 | 登记 holds 著作权登记 across two units).
    static func positions(of word: [Unicode.Scalar], in unit: [Unicode.Scalar]) -> Set<Int> {
        var out: Set<Int> = []
        if unit.count >= word.count {
            for start in 0...(unit.count - word.count) where Array(unit[start..<(start + word.count)]) == word {
                out.formUnion(start..<(start + word.count))
            }
        }
        for n in stride(from: min(word.count - 1, unit.count), through: 2, by: -1) {
            if Array(unit.suffix(n)) == Array(word.prefix(n)) { out.formUnion((unit.count - n)..<unit.count) }
            if Array(unit.prefix(n)) == Array(word.suffix(n)) { out.formUnion(0..<n) }
        }
        return out
    }

    func longestHeadMatch(_ units: [QueryUnit], doc: Int) -> Int {
        var best = 0
        for unit in units where unit.role == .topic {
            best = max(best, index.longestHeadMatch(unit.chars, in: doc))
        }
        return best
    }

    /// How much of a unit an entry covers, 0…1 per character: a character counts fully when it occurs in
    /// the entry next to the same neighbour as in the question, `loneCharCredit` when it occurs alone. A unit
    /// whose lexicon alternative (full form, synonym) the entry contains is covered whole.
    func unitCoverage(_ unit: QueryUnit, doc: Int, headOnly: Bool = false, weights given: [Float]? = nil) -> (covered: Float, total: Float) {
        let chars = unit.chars
        let weights = given ?? characterWeights(unit)
        let total = weights.reduce(0, +)
        guard !chars.isEmpty else {
            let present = { (t: Term) in headOnly ? headHas(t, doc) : index.weight(of: t, in: doc) > 0 }
            let hit = unit.terms.contains(where: present) || unit.alternatives.contains { !$0.isEmpty && $0.allSatisfy(present) }
            return (hit ? 1 : 0, 1)
        }
        func has(_ c: Unicode.Scalar) -> Bool { headOnly ? index.headContains(c, in: doc) : index.contains(c, in: doc) }
        func has(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
            headOnly ? index.headContains(a, b, in: doc) : index.weight(of: .bigram(a, b), in: doc) > 0
        }
        if unit.alternatives.contains(where: { alt in
            // At least 60% of the alternative's terms (all of them for an intent word, whose alternatives are
            // short phrases: 需要…什么 far apart is not 需要什么); stop as soon as that is reached or out of reach.
            let needed = unit.role == .hint ? alt.count : (alt.count * 3 + 4) / 5
            var present = 0, left = alt.count
            for t in alt {
                if headOnly ? headHas(t, doc) : index.weight(of: t, in: doc) > 0 { present += 1 }
                left -= 1
                if present >= needed || present + left < needed { break }
            }
            return !alt.isEmpty && present >= needed
        }) { return (total, total) }
        var covered: Float = 0
        // Each pair is looked up once: `pairedAfter` of one character is `pairedBefore` of the next.
        var pairedBefore = false
        for (k, c) in chars.enumerated() {
            let pairedAfter = k + 1 < chars.count && has(c, chars[k + 1])
            if pairedBefore || pairedAfter { covered += weights[k] } else if has(c) { covered += weights[k] * tuning.loneCharCredit }
            pairedBefore = pairedAfter
        }
        return (covered, total)
    }

    /// The weight of each of a unit's characters in coverage. It does not depend on the entry, so the
    /// re-ranking computes it once per question rather than once per candidate.
    func characterWeights(_ unit: QueryUnit) -> [Float] {
        // A lone character between function words (来, 看, 号) is more often filler than topic.
        let scale: Float = unit.chars.count == 1 && unit.alternatives.isEmpty ? tuning.singleCharWeight : 1
        return (unit.charWeights ?? QueryAnalyzer.characterWeights(unit.chars, index: index)).map { $0 * scale }
    }

    func headHas(_ t: Term, _ doc: Int) -> Bool {
        if t.isBigram { return index.headContains(bigram: t, in: doc) }
        if t.isUnigram, let a = Unicode.Scalar(UInt32(t.raw)) { return index.headContains(a, in: doc) }
        return index.weight(of: t, in: doc) > 0
    }

    /// The idf-weighted share of the question an entry covers: its topic characters, plus the region, time
    /// and event kind it asks for when there are any. A bare number the entry holds (107 of 107-1表) counts as
    /// covered topic, weighted by its idf; one it lacks counts for nothing, since numbers are never required.
    func coverage(_ topics: [QueryUnit], _ slots: QuerySlots, doc: Int, today: LocalDate, headOnly: Bool = false,
                  weights: [[Float]]? = nil, numbers: [QueryUnit] = []) -> Float {
        var total: Float = 0, covered: Float = 0
        for (i, unit) in topics.enumerated() {
            let c = unitCoverage(unit, doc: doc, headOnly: headOnly, weights: weights?[i])
            total += c.total
            covered += c.covered
        }
        for unit in numbers {
            for t in unit.terms where headOnly ? headHas(t, doc) : index.weight(of: t, in: doc) > 0 {
                let w = index.idf(t)
                total += w
                covered += w
            }
        }
        let e = index.facts[doc]
        let slotWeight = tuning.slotWeight
        if let region = slots.region {
            total += slotWeight
            if e.region == index.regionCode(region) { covered += slotWeight }
        }
        let asksForEvents = slots.kinds.contains(where: \.isEvent)
        // A bare 活动 counts only with a time, a place or a question about it that makes it an event question
        // (see makeAdjustment).
        if asksForEvents || (slots.mentionsEvents && (slots.dateRange != nil || slots.region != nil || slots.asksWhichEvents)) {
            total += slotWeight
            if asksForEvents ? slots.kinds.contains(e.kind) && e.kind.isEvent : e.kind.isEvent { covered += slotWeight }
        }
        if let range = slots.dateRange, slots.wantsEvent || e.kind.isEvent {
            total += slotWeight
            let day = Int(e.eventDay)
            if e.eventDay != Int32.min, range.from.dayNumber <= day, day <= range.to.dayNumber { covered += slotWeight }
        }
        return total > 0 ? covered / total : 0
    }

    /// The topic pieces the best entry lacks, for the decline reason.
    func missing(_ topics: [QueryUnit], doc: Int) -> [String] {
        topics.filter { let c = unitCoverage($0, doc: doc); return c.covered < c.total * 0.5 }.map(\.text)
    }
}

extension RankingTuning {
    /// Applies `NAME=VALUE` overrides; returns the first item that is not one, if any.
    public mutating func apply(_ overrides: [String]) -> String? {
        for item in overrides {
            let parts = item.split(separator: "=")
            guard parts.count == 2, let v = Float(parts[1]), set(String(parts[0]), v) else { return item }
        }
        return nil
    }

    /// Sets a constant by name, for tuning runs (`tepai eval --tune name=value`).
    public mutating func set(_ name: String, _ value: Float) -> Bool {
        switch name {
        case "unigramWeight": unigramWeight = value
        case "alternativeWeight": alternativeWeight = value
        case "hintWeight": hintWeight = value
        case "kindBoost": kindBoost = value
        case "regionMatchBoost": regionMatchBoost = value
        case "otherCountyPenalty": otherCountyPenalty = value
        case "upcomingBoost": upcomingBoost = value
        case "pastEventPenalty": pastEventPenalty = value
        case "unaskedEventPenalty": unaskedEventPenalty = value
        case "nonEventPenalty": nonEventPenalty = value
        case "minCoverage": minCoverage = value
        case "minCoverageWithPhrase": minCoverageWithPhrase = value
        case "minElsewhereRestCoverage": minElsewhereRestCoverage = value
        case "minElsewhereRestWeight": minElsewhereRestWeight = value
        case "headShare": headShare = value
        case "coveringScoreRatio": coveringScoreRatio = value
        case "loneCharCredit": loneCharCredit = value
        case "slotWeight": slotWeight = value
        case "singleCharWeight": singleCharWeight = value
        case "phraseLength": phraseLength = Int(value)
        case "headBonus": headBonus = value
        case "phraseBonus": phraseBonus = value
        case "intentBonus": intentBonus = value
        case "wholeBonus": wholeBonus = value
        case "unaskedCountyPenalty": unaskedCountyPenalty = value
        case "rerankDepth": rerankDepth = Int(value)
        case "phraseSlack": phraseSlack = Int(value)
        case "fullCoverScoreRatio": fullCoverScoreRatio = value
        case "fullCover": fullCover = value
        case "phraseMin": phraseMin = Int(value)
        case "maxTermShare": maxTermShare = value
        case "maxUnigramShare": maxUnigramShare = value
        default: return false
        }
        return true
    }
}

extension Array {
    /// The `k` smallest elements, smallest first, by one pass of insertion into a list of at most `k`: cheaper
    /// than sorting thousands of candidates to show five.
    func smallest(_ k: Int, by less: (Element, Element) -> Bool) -> [Element] {
        guard k > 0 else { return [] }
        var out: [Element] = []
        out.reserveCapacity(k + 1)
        for x in self {
            if out.count == k, let last = out.last, !less(x, last) { continue }
            out.insert(x, at: out.firstIndex { less(x, $0) } ?? out.count)
            if out.count > k { out.removeLast() }
        }
        return out
    }
}
