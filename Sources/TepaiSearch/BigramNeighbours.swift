import TepaiCore

extension SearchIndex {
    /// Characters that follow `a` in some title/alias/tag bigram.
    func headBigramSeconds(after a: Unicode.Scalar) -> [Unicode.Scalar] { headNeighbours.seconds[a] ?? [] }
    /// Characters that precede `b` in some title/alias/tag bigram.
    func headBigramFirsts(before b: Unicode.Scalar) -> [Unicode.Scalar] { headNeighbours.firsts[b] ?? [] }
}

/// Neighbour lists of the head vocabulary's bigrams, for typo correction.
struct BigramNeighbours: Sendable {
    var seconds: [Unicode.Scalar: [Unicode.Scalar]] = [:]
    var firsts: [Unicode.Scalar: [Unicode.Scalar]] = [:]

    init(_ terms: Set<Term>) {
        for t in terms where t.isBigram {
            guard let a = Unicode.Scalar(UInt32((t.raw >> 21) & 0x1F_FFFF)), let b = Unicode.Scalar(UInt32(t.raw & 0x1F_FFFF)) else { continue }
            seconds[a, default: []].append(b)
            firsts[b, default: []].append(a)
        }
        // In code-point order: the terms come from a set, whose order changes from one process to the next, and
        // typo correction keeps the first of equally good candidates. Unsorted, one question could be mended
        // differently after a restart.
        for k in seconds.keys { seconds[k]?.sort { $0.value < $1.value } }
        for k in firsts.keys { firsts[k]?.sort { $0.value < $1.value } }
    }
}
