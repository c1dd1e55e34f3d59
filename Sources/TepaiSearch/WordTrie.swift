/// What a word of the lexicon or a region form is, for the longest-match scan over a question.
struct WordInfo: Sendable {
    var word: String
    var isFunction = false
    var isLexical = false  // abbreviation, synonym, intent, kind or generic event word
    var region: String?
    /// The agency whose business the word is (lexicon section `elsewhere`).
    var agency: String?
}

/// Longest-match lookup over Unicode scalars. Questions are scanned position by position; a trie walk costs
/// a few array reads where a `String` dictionary lookup would normalise and hash a new string each time.
struct WordTrie: Sendable {
    private struct Node: Sendable {
        var children: [UInt32: Int32] = [:]
        var info: Int32 = -1
    }

    private var nodes = [Node()]
    private var infos: [WordInfo] = []

    mutating func insert(_ word: String, update: (inout WordInfo) -> Void) {
        var n = 0
        for s in word.unicodeScalars {
            if let next = nodes[n].children[s.value] { n = Int(next) } else {
                nodes.append(Node())
                nodes[n].children[s.value] = Int32(nodes.count - 1)
                n = nodes.count - 1
            }
        }
        if nodes[n].info < 0 {
            infos.append(WordInfo(word: word))
            nodes[n].info = Int32(infos.count - 1)
        }
        update(&infos[Int(nodes[n].info)])
    }

    /// The longest word starting at `i` that satisfies `accept`, with its length in scalars.
    func longest(_ q: [Unicode.Scalar], at i: Int, where accept: (WordInfo) -> Bool) -> (info: WordInfo, length: Int)? {
        var n = 0
        var best: (WordInfo, Int)?
        var k = i
        while k < q.count, let next = nodes[n].children[q[k].value] {
            n = Int(next)
            k += 1
            if nodes[n].info >= 0 {
                let info = infos[Int(nodes[n].info)]
                if accept(info) { best = (info, k - i) }
            }
        }
        return best
    }
}
