import Foundation
import TepaiCore

/// BM25F field weights and saturation. Title and aliases (the questions an entry answers) weigh most.
public struct BM25FParameters: Sendable {
    public var k1: Float = 1.2
    public var weights: [Float] = [3.0, 2.5, 1.5, 1.0]   // title, aliases, tags, body
    public var b: [Float] = [0.5, 0.5, 0.3, 0.75]
    public init() {}
}

/// Per-entry facts the ranking needs for every candidate, kept as plain numbers so that scoring tens of
/// thousands of candidates never copies an `Entry`.
struct DocFacts: Sendable {
    var kind: EntryKind
    /// 0 = national, 1 = city, 2… = a county (see `SearchIndex.regionNames`).
    var region: Int32
    /// Day number of the event day (or `Int32.min` when there is none) and of its last day.
    var eventDay: Int32
    var lastDay: Int32
}

/// An in-memory inverted index over the store's entries, rebuilt whole when the store changes.
/// BM25F's per-(term, document) part does not depend on the query, so it is computed once here and a query
/// only adds up precomputed weights.
public final class SearchIndex: Sendable {
    public enum Field: Int, CaseIterable { case title = 0, aliases, tags, body }

    public let entries: [Entry]
    let termIDs: TermTable
    let postingDocs: [[Int32]]
    let postingWeights: [[Float]]
    /// Terms that occur in a title, alias or tag: the vocabulary people's questions are written in.
    let headTerms: TermTable
    let headNeighbours: BigramNeighbours
    public let idIndex: [String: Int]
    /// Each entry's title, aliases and tags, normalised, for phrase checks.
    let headTexts: [[Unicode.Scalar]]
    /// Each entry's title/alias/tag bigrams, sorted, for quick "does its title say this" checks.
    let headBigrams: [[UInt64]]
    /// Each entry's distinct characters (sorted), for coverage checks of body text, whose unigrams are not indexed.
    let docChars: [[UInt32]]
    /// In how many entries each character occurs, in any field.
    let charDF: [UInt32: Int32]
    let facts: [DocFacts]
    let regionCodes: [String: Int32]

    public var count: Int { entries.count }

    public init(entries: [Entry], parameters: BM25FParameters = BM25FParameters()) {
        self.entries = entries
        var termIDs: [Term: Int32] = [:]
        var headTerms = Set<Term>()
        var docs: [[Int32]] = []
        // Field term counts packed four to a UInt32 (one byte per field, saturating) until weights are known.
        var packed: [[UInt32]] = []
        var lengths: [SIMD4<Float>] = []
        lengths.reserveCapacity(entries.count)
        var idIndex: [String: Int] = [:]
        var docChars: [[UInt32]] = []
        docChars.reserveCapacity(entries.count)
        var headTexts: [[Unicode.Scalar]] = []
        headTexts.reserveCapacity(entries.count)
        var headBigrams: [[UInt64]] = []
        headBigrams.reserveCapacity(entries.count)
        var charDF: [UInt32: Int32] = [:]
        var facts: [DocFacts] = []
        facts.reserveCapacity(entries.count)
        var regionCodes: [String: Int32] = ["": 0, Region.city: 1]
        var raw: [(term: Int32, field: Int)] = []

        for (i, entry) in entries.enumerated() {
            idIndex[entry.id] = i
            let region: Int32
            if let known = regionCodes[entry.region] { region = known } else {
                region = Int32(regionCodes.count)
                regionCodes[entry.region] = region
            }
            let day = entry.eventDay.map { Int32($0.dayNumber) } ?? Int32.min
            facts.append(DocFacts(kind: entry.kind, region: region, eventDay: day,
                                  lastDay: entry.endsAt.map { Int32($0.date.dayNumber) } ?? day))
            let fields: [(Field, [Unicode.Scalar])] = [
                (.title, TextNormalizer.scalars(entry.title, keepBreaks: true)),
                (.aliases, TextNormalizer.scalars(entry.aliases.joined(separator: "。"), keepBreaks: true)),
                (.tags, TextNormalizer.scalars(entry.tags.joined(separator: "。"), keepBreaks: true)),
                // Where, how and for whom an event is held are asked about (线上, 在哪): searchable with the body.
                (.body, TextNormalizer.scalars([entry.body, entry.venue, entry.format, entry.audience].compactMap { $0 }.joined(separator: "。"), keepBreaks: true)),
            ]
            let head = fields[0].1 + [TextNormalizer.breakScalar] + fields[1].1 + [TextNormalizer.breakScalar] + fields[2].1
            headTexts.append(head)
            var bigrams: [UInt64] = []
            Tokenizer.forEachTerm(head, unigrams: false) { if $0.isBigram { bigrams.append($0.raw) } }
            bigrams.sort()
            headBigrams.append(bigrams)
            var chars = Set<UInt32>()
            for (_, scalars) in fields { for c in scalars where TextNormalizer.isHan(c.value) { chars.insert(c.value) } }
            for c in chars { charDF[c, default: 0] += 1 }
            docChars.append(chars.sorted())

            raw.removeAll(keepingCapacity: true)
            var length = SIMD4<Float>(repeating: 0)
            for (field, scalars) in fields {
                // Body unigrams add little beyond its bigrams and would make the index several times larger.
                Tokenizer.forEachTerm(scalars, unigrams: field != .body) { term in
                    let id: Int32
                    if let known = termIDs[term] { id = known } else {
                        id = Int32(termIDs.count)
                        termIDs[term] = id
                        docs.append([])
                        packed.append([])
                    }
                    if field != .body { headTerms.insert(term) }
                    raw.append((id, field.rawValue))
                    length[field.rawValue] += 1
                }
            }
            raw.sort { $0.term < $1.term }
            var k = 0
            while k < raw.count {
                let term = raw[k].term
                var counts: UInt32 = 0
                while k < raw.count, raw[k].term == term {
                    let shift = UInt32(raw[k].field * 8)
                    if (counts >> shift) & 0xFF < 0xFF { counts += 1 << shift }
                    k += 1
                }
                docs[Int(term)].append(Int32(i))
                packed[Int(term)].append(counts)
            }
            lengths.append(length)
        }

        let n = Float(max(entries.count, 1))
        var avg = lengths.reduce(SIMD4<Float>(repeating: 0), +) / n
        avg.replace(with: SIMD4<Float>(repeating: 1), where: avg .== 0)
        let b = SIMD4(parameters.b), w = SIMD4(parameters.weights)
        let norms = lengths.map { SIMD4<Float>(repeating: 1) - b + b * $0 / avg }
        var weights: [[Float]] = []
        weights.reserveCapacity(docs.count)
        for t in 0..<docs.count {
            let d = Float(docs[t].count)
            let idf = log(1 + (n - d + 0.5) / (d + 0.5))
            var list = [Float](repeating: 0, count: docs[t].count)
            for (k, doc) in docs[t].enumerated() {
                let c = packed[t][k]
                let counts = SIMD4<Float>(Float(c & 0xFF), Float((c >> 8) & 0xFF), Float((c >> 16) & 0xFF), Float(c >> 24))
                let tf = (w * counts / norms[Int(doc)]).sum()
                list[k] = idf * tf / (parameters.k1 + tf)
            }
            packed[t] = []
            weights.append(list)
        }
        self.termIDs = TermTable(termIDs)
        self.postingDocs = docs
        self.postingWeights = weights
        self.headTerms = TermTable(headTerms)
        self.headNeighbours = BigramNeighbours(headTerms)
        self.idIndex = idIndex
        self.docChars = docChars
        self.headTexts = headTexts
        self.headBigrams = headBigrams
        self.charDF = charDF
        self.facts = facts
        self.regionCodes = regionCodes
    }

    /// The code of a region name in `DocFacts`, or -1 when no entry has it.
    func regionCode(_ name: String) -> Int32 { regionCodes[name] ?? -1 }

    public func documentFrequency(_ term: Term) -> Int {
        guard let id = termIDs[term] else { return 0 }
        return postingDocs[Int(id)].count
    }

    public func isKnown(_ term: Term) -> Bool { termIDs[term] != nil }
    public func isHeadTerm(_ term: Term) -> Bool { headTerms.contains(term) }

    /// The inverse document frequency a term has, or would have if it were unknown.
    public func idf(_ term: Term) -> Float {
        let n = Float(max(entries.count, 1))
        let d = Float(documentFrequency(term))
        return log(1 + (n - d + 0.5) / (d + 0.5))
    }

    /// Whether an entry contains a Han character in any field.
    public func contains(_ c: Unicode.Scalar, in doc: Int) -> Bool {
        let list = docChars[doc]
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid] < c.value { lo = mid + 1 } else { hi = mid }
        }
        return lo < list.count && list[lo] == c.value
    }

    /// The longest run of `chars` (at least 2) found contiguously in an entry's title, aliases or tags.
    public func longestHeadMatch(_ chars: [Unicode.Scalar], in doc: Int) -> Int {
        longestHeadRun(chars, in: doc).count
    }

    /// The same, with where the run ends in `chars` (exclusive).
    func longestHeadRun(_ chars: [Unicode.Scalar], in doc: Int) -> (count: Int, end: Int) {
        let head = headTexts[doc]
        guard chars.count >= 2, head.count >= 2 else { return (0, 0) }
        var best = 0, end = 0
        // Longest common substring: from each place where a run of matches starts, extend it. Both sides are
        // short and matches sparse, so this reads each pair once and writes nothing (it runs for every returned
        // candidate and question unit).
        chars.withUnsafeBufferPointer { q in
            head.withUnsafeBufferPointer { h in
                for j in 0..<h.count {
                    let c = h[j]
                    for i in 0..<q.count where q[i] == c && (i == 0 || j == 0 || q[i - 1] != h[j - 1]) {
                        var n = 1
                        while i + n < q.count, j + n < h.count, q[i + n] == h[j + n] { n += 1 }
                        if n > best || (n == best && i + n < end) { best = n; end = i + n }
                    }
                }
            }
        }
        return best >= 2 ? (best, end) : (0, 0)
    }

    /// Whether a character occurs in an entry's title, aliases or tags.
    func headContains(_ c: Unicode.Scalar, in doc: Int) -> Bool {
        headTexts[doc].withUnsafeBufferPointer { $0.contains(c) }
    }

    /// Whether the pair `a b` occurs in an entry's title, aliases or tags.
    func headContains(_ a: Unicode.Scalar, _ b: Unicode.Scalar, in doc: Int) -> Bool {
        headContains(bigram: Term.bigram(a, b), in: doc)
    }

    /// The same for a bigram term as it is.
    func headContains(bigram: Term, in doc: Int) -> Bool {
        let target = bigram.raw
        return headBigrams[doc].withUnsafeBufferPointer { list in
            var lo = 0, hi = list.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if list[mid] < target { lo = mid + 1 } else { hi = mid }
            }
            return lo < list.count && list[lo] == target
        }
    }

    /// Whether any entry contains the character.
    public func usesCharacter(_ c: Unicode.Scalar) -> Bool { (charDF[c.value] ?? 0) > 0 }

    /// Inverse document frequency of a character over all fields (unknown characters get the highest).
    public func charIDF(_ c: Unicode.Scalar) -> Float {
        let n = Float(max(entries.count, 1))
        let d = Float(charDF[c.value] ?? 0)
        return log(1 + (n - d + 0.5) / (d + 0.5))
    }

    /// The precomputed weight of a term in one document (0 when absent); postings are in document order.
    public func weight(of term: Term, in doc: Int) -> Float {
        guard let id = termIDs[term] else { return 0 }
        let list = postingDocs[Int(id)]
        var lo = 0, hi = list.count
        let target = Int32(doc)
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid] < target { lo = mid + 1 } else { hi = mid }
        }
        return lo < list.count && list[lo] == target ? postingWeights[Int(id)][lo] : 0
    }

    /// A term's number in the posting lists, or nil when no entry holds it. Scoring looks each term up once
    /// and works on numbers from there: hashing a term was a tenth of a question's time.
    func termID(_ term: Term) -> Int32? { termIDs[term] }

    func documentFrequency(id: Int32) -> Int { postingDocs[Int(id)].count }

    /// Calls `body` with the documents holding the term of that number.
    func withPostings(id: Int32, _ body: (UnsafeBufferPointer<Int32>) -> Void) {
        postingDocs[Int(id)].withUnsafeBufferPointer(body)
    }

    /// Adds `queryWeight × weight` of the term of that number to every document holding it.
    func accumulate(id: Int32, queryWeight: Float, into scores: UnsafeMutableBufferPointer<Float>) {
        postingDocs[Int(id)].withUnsafeBufferPointer { ds in
            postingWeights[Int(id)].withUnsafeBufferPointer { ws in
                guard let base = scores.baseAddress else { return }
                for k in 0..<ds.count { base[Int(ds[k])] += queryWeight * ws[k] }
            }
        }
    }
}
