/// A term packed into 64 bits: a Han character, a Han bigram, or a Latin/number word. Packing keeps index
/// builds over 100k entries free of millions of small strings.
public struct Term: Hashable, Sendable, Comparable {
    public let raw: UInt64

    static let bigramTag: UInt64 = 1 << 62
    static let wordTag: UInt64 = 2 << 62

    public static func unigram(_ a: Unicode.Scalar) -> Term { Term(raw: UInt64(a.value)) }
    public static func bigram(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Term {
        Term(raw: bigramTag | (UInt64(a.value) << 21) | UInt64(b.value))
    }
    public static func word(_ scalars: ArraySlice<Unicode.Scalar>) -> Term {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for s in scalars {
            h ^= UInt64(s.value)
            h = h &* 0x100_0000_01b3
        }
        return Term(raw: wordTag | (h & ((1 << 62) - 1)))
    }

    public var isBigram: Bool { raw & (3 << 62) == Term.bigramTag }
    public var isUnigram: Bool { raw & (3 << 62) == 0 }

    public static func < (a: Term, b: Term) -> Bool { a.raw < b.raw }
}

/// Splits normalised text into terms: each Han run gives its characters (optionally) and adjacent pairs;
/// each Latin/number run gives one word and, when it mixes letters and digits, its letter and digit parts
/// too (see `parts`).
public enum Tokenizer {
    /// The letter and digit parts of a run that mixes both (gb14925 → gb, 14925); empty otherwise. Entries
    /// write standards and models with a space (GB 14925, ISO 9001), questions without one (gb14925), and
    /// queries lose their spaces: both sides index the parts, so either spelling finds the other.
    public static func parts(_ run: ArraySlice<Unicode.Scalar>) -> [ArraySlice<Unicode.Scalar>] {
        func isDigit(_ s: Unicode.Scalar) -> Bool { (0x30...0x39).contains(s.value) }
        guard run.contains(where: isDigit), run.contains(where: { !isDigit($0) }) else { return [] }
        var out: [ArraySlice<Unicode.Scalar>] = []
        var start = run.startIndex
        for k in run.indices.dropFirst() where isDigit(run[k]) != isDigit(run[k - 1]) {
            out.append(run[start..<k])
            start = k
        }
        out.append(run[start...])
        return out
    }

    public static func forEachTerm(_ s: [Unicode.Scalar], unigrams: Bool, _ body: (Term) -> Void) {
        var i = 0
        let n = s.count
        while i < n {
            let v = s[i].value
            if TextNormalizer.isHan(v) {
                if unigrams { body(.unigram(s[i])) }
                if i + 1 < n, TextNormalizer.isHan(s[i + 1].value) { body(.bigram(s[i], s[i + 1])) }
                i += 1
            } else if s[i] == TextNormalizer.breakScalar {
                i += 1
            } else {
                var j = i
                while j < n, !TextNormalizer.isHan(s[j].value), s[j] != TextNormalizer.breakScalar { j += 1 }
                body(.word(s[i..<j]))
                for part in parts(s[i..<j]) { body(.word(part)) }
                i = j
            }
        }
    }

    public static func terms(_ s: [Unicode.Scalar], unigrams: Bool) -> [Term] {
        var out: [Term] = []
        forEachTerm(s, unigrams: unigrams) { out.append($0) }
        return out
    }
}
