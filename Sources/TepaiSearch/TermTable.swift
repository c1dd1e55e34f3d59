/// Term → posting-list number for questions. Swift's `Dictionary` hashes every key with SipHash, which was
/// a tenth of a 1k-entry question's time; a term is already a 64-bit number, so a multiply and a shift spread
/// it over an open-addressed table (linear probing, at most half full). Built once with the index, read-only.
struct TermTable: Sendable {
    /// 0 marks an empty slot: no indexed term has raw value 0 (that would be the unigram of U+0000).
    private let keys: [UInt64]
    private let values: [Int32]
    private let shift: UInt64
    let count: Int

    init(_ map: [Term: Int32]) {
        var bits = 4
        while (1 << bits) < map.count * 2 { bits += 1 }
        let size = 1 << bits
        var keys = [UInt64](repeating: 0, count: size)
        var values = [Int32](repeating: -1, count: size)
        let shift = UInt64(64 - bits)
        for (term, value) in map where term.raw != 0 {
            var slot = Int(truncatingIfNeeded: (term.raw &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while keys[slot] != 0 { slot = (slot + 1) & (size - 1) }
            keys[slot] = term.raw
            values[slot] = value
        }
        self.keys = keys
        self.values = values
        self.shift = shift
        count = map.count
    }

    init(_ set: Set<Term>) {
        var map: [Term: Int32] = [:]
        map.reserveCapacity(set.count)
        for t in set { map[t] = 0 }
        self.init(map)
    }

    subscript(_ term: Term) -> Int32? {
        let raw = term.raw
        guard raw != 0 else { return nil }
        return keys.withUnsafeBufferPointer { k in
            let mask = k.count - 1
            var slot = Int(truncatingIfNeeded: (raw &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while true {
                let key = k[slot]
                if key == raw { return values[slot] }
                if key == 0 { return nil }
                slot = (slot + 1) & mask
            }
        }
    }

    func contains(_ term: Term) -> Bool { self[term] != nil }
}
