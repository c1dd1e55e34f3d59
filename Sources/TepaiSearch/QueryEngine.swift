import TepaiCore

/// One ranked entry in an answer.
public struct Hit: Sendable {
    public var entry: Entry
    public var score: Float
    /// An event whose day is before today: still answerable, marked 已结束 in replies.
    public var ended: Bool
    /// Share of the question's topic this entry covers (0…1).
    public var coverage: Float
}

/// The outcome of one question.
public struct SearchOutcome: Sendable {
    public var query: String
    public var analyzed: AnalyzedQuery
    public var declined: Bool
    /// Why the bot declined, in words for the console and logs.
    public var declineReason: String?
    public var hits: [Hit]
}

/// Tunable constants of ranking and declining, fixed on the dev set (see `seeds/README.md`).
public struct RankingTuning: Sendable {
    public var unigramWeight: Float = 0.3
    public var alternativeWeight: Float = 0.8
    public var hintWeight: Float = 0.5
    public var kindBoost: Float = 1.4
    public var regionMatchBoost: Float = 1.3
    public var otherCountyPenalty: Float = 0.4
    public var upcomingBoost: Float = 1.25
    public var pastEventPenalty: Float = 0.6
    public var outOfRangePenalty: Float = 0.5
    /// Events rank below rules and FAQs when the question names no event, place or time.
    public var unaskedEventPenalty: Float = 0.75
    /// Decline when the best entry covers less than this share of the topic (idf-weighted).
    public var minCoverage: Float = 0.6
    /// Coverage credit for a question character found in an entry but not next to its question neighbour.
    public var loneCharCredit: Float = 0.5
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

        var weights: [Term: Float] = [:]
        func add(_ t: Term, _ w: Float) { weights[t] = max(weights[t] ?? 0, w) }
        for unit in q.units {
            let base: Float = unit.role == .topic ? 1 : tuning.hintWeight
            for t in unit.terms { add(t, t.isUnigram ? base * tuning.unigramWeight : base) }
            for alt in unit.alternatives { for t in alt { add(t, base * tuning.alternativeWeight) } }
        }
        var scores = [Float](repeating: 0, count: index.count)
        var touched: [Int32] = []
        for (t, w) in weights { index.accumulate(t, queryWeight: w, into: &scores, touched: &touched) }
        guard !touched.isEmpty else { return declined("知识库里没有与问题相关的词") }

        var ranked: [(doc: Int, score: Float)] = touched.map { (Int($0), scores[Int($0)] * adjustment(Int($0), q.slots, today)) }
        ranked.sort { $0.score > $1.score || ($0.score == $1.score && $0.doc < $1.doc) }
        let top = ranked.prefix(max(limit, 5))
        var hits = top.map { r -> Hit in
            let e = index.entries[r.doc]
            return Hit(entry: e, score: r.score, ended: isPast(e, today), coverage: coverage(topics, doc: r.doc))
        }
        guard let best = hits.first else { return declined("知识库里没有与问题相关的词") }
        if best.coverage < tuning.minCoverage {
            let missing = missing(topics, doc: index.idIndex[best.entry.id] ?? 0)
            return declined("最接近的条目没有覆盖问题的关键词：\(missing.joined(separator: "、"))")
        }
        hits = Array(hits.prefix(limit))
        return SearchOutcome(query: text, analyzed: q, declined: false, declineReason: nil, hits: hits)
    }

    /// "迁西下个月有啥培训": no topic, only slots. Lists matching events, upcoming first by date.
    func listEvents(_ q: AnalyzedQuery, today: LocalDate, limit: Int) -> SearchOutcome {
        let kinds: Set<EntryKind> = q.slots.kinds.filter(\.isEvent).isEmpty ? [.training, .matching] : q.slots.kinds.filter(\.isEvent)
        var matches = index.entries.filter { e in
            guard kinds.contains(e.kind), let day = e.eventDay else { return false }
            if let region = q.slots.region, e.region != region { return false }
            if let range = q.slots.dateRange { return range.contains(day) }
            return true
        }
        let upcoming = matches.filter { !isPast($0, today) }.sorted { ($0.eventDay ?? today) < ($1.eventDay ?? today) }
        let past = matches.filter { isPast($0, today) }.sorted { ($0.eventDay ?? today) > ($1.eventDay ?? today) }
        matches = q.slots.dateRange == nil ? upcoming : upcoming + past
        guard !matches.isEmpty else {
            let what = [q.slots.region, q.slots.dateRange?.label, kinds.count == 1 ? kinds.first?.label : "活动"].compactMap { $0 }.joined(separator: " ")
            return SearchOutcome(query: q.original, analyzed: q, declined: true, declineReason: "没有找到符合条件的活动：\(what)", hits: [])
        }
        let hits = matches.prefix(limit).enumerated().map { (i, e) in
            Hit(entry: e, score: Float(matches.count - i), ended: isPast(e, today), coverage: 1)
        }
        return SearchOutcome(query: q.original, analyzed: q, declined: false, declineReason: nil, hits: Array(hits))
    }

    func isPast(_ e: Entry, _ today: LocalDate) -> Bool {
        guard e.kind.isEvent, let day = e.endsAt?.date ?? e.eventDay else { return false }
        return day < today
    }

    /// Slot-driven boosts and penalties on top of the text score.
    func adjustment(_ doc: Int, _ slots: QuerySlots, _ today: LocalDate) -> Float {
        let e = index.entries[doc]
        var f: Float = 1
        if slots.kinds.contains(e.kind) { f *= tuning.kindBoost }
        if let region = slots.region {
            if e.region == region { f *= tuning.regionMatchBoost } else if !e.region.isEmpty && e.region != Region.city {
                f *= tuning.otherCountyPenalty
            }
        }
        if e.kind.isEvent {
            if isPast(e, today) { f *= tuning.pastEventPenalty } else if slots.wantsEvent { f *= tuning.upcomingBoost }
            if !slots.wantsEvent && slots.dateRange == nil && slots.region == nil { f *= tuning.unaskedEventPenalty }
            if let range = slots.dateRange, let day = e.eventDay, !range.contains(day) { f *= tuning.outOfRangePenalty }
        }
        return f
    }

    /// How much of a unit an entry covers, 0…1 per character: a character counts fully when it occurs in
    /// the entry next to the same neighbour as in the question, half when it occurs alone. A unit whose
    /// lexicon alternative (full form, synonym) the entry contains is covered whole.
    func unitCoverage(_ unit: QueryUnit, doc: Int) -> (covered: Float, total: Float) {
        let chars = unit.chars
        let weights = chars.map { index.charIDF($0) }
        let total = weights.reduce(0, +)
        guard !chars.isEmpty else {
            let hit = unit.terms.contains { index.weight(of: $0, in: doc) > 0 }
            return (hit ? 1 : 0, 1)
        }
        if unit.alternatives.contains(where: { alt in
            let present = alt.filter { index.weight(of: $0, in: doc) > 0 }.count
            return !alt.isEmpty && Float(present) / Float(alt.count) >= 0.6
        }) { return (total, total) }
        var covered: Float = 0
        for (k, c) in chars.enumerated() {
            let paired = (k > 0 && index.weight(of: .bigram(chars[k - 1], c), in: doc) > 0)
                || (k + 1 < chars.count && index.weight(of: .bigram(c, chars[k + 1]), in: doc) > 0)
            if paired { covered += weights[k] } else if index.contains(c, in: doc) { covered += weights[k] * tuning.loneCharCredit }
        }
        return (covered, total)
    }

    /// The idf-weighted share of the question's topic characters an entry covers.
    func coverage(_ topics: [QueryUnit], doc: Int) -> Float {
        var total: Float = 0, covered: Float = 0
        for unit in topics {
            let c = unitCoverage(unit, doc: doc)
            total += c.total
            covered += c.covered
        }
        return total > 0 ? covered / total : 0
    }

    /// The topic characters the best entry lacks, for the decline reason.
    func missing(_ topics: [QueryUnit], doc: Int) -> [String] {
        topics.filter { let c = unitCoverage($0, doc: doc); return c.covered < c.total * 0.5 }.map(\.text)
    }
}
