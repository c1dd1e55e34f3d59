import Testing
@testable import TepaiSearch

@Suite struct TermTableTests {
    /// The table must answer exactly as the dictionary it is built from, for present and absent terms alike.
    @Test func answersLikeTheDictionaryItIsBuiltFrom() {
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 7, 1000, 20_000] {
            var map: [Term: Int32] = [:]
            while map.count < size {
                let a = Unicode.Scalar(UInt32.random(in: 0x4E00...0x9FA5, using: &generator)) ?? "中"
                let b = Unicode.Scalar(UInt32.random(in: 0x4E00...0x9FA5, using: &generator)) ?? "文"
                let term: Term = switch Int.random(in: 0..<3, using: &generator) {
                case 0: .unigram(a)
                case 1: .bigram(a, b)
                default: .word(Array("\(a)\(b)\(size)".unicodeScalars)[...])
                }
                map[term] = Int32(map.count)
            }
            let table = TermTable(map)
            #expect(table.count == map.count)
            for (term, value) in map { #expect(table[term] == value) }
            for _ in 0..<2000 {
                let c = Unicode.Scalar(UInt32.random(in: 0x4E00...0x9FA5, using: &generator)) ?? "中"
                let probe = Term.bigram(c, c)
                #expect(table[probe] == map[probe])
            }
        }
    }
}
