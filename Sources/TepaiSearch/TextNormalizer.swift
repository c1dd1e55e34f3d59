import Foundation

/// Puts text into the one form the index and queries share: NFKC (full-width → half-width), lower-case Latin,
/// traditional characters folded to simplified (技術 → 技术: some phones and enterprises type them), punctuation
/// and spaces removed. Documents keep a break where punctuation stood, so no n-gram spans two
/// sentences; queries are short and typed loosely, so their spaces simply vanish.
public enum TextNormalizer {
    /// A break between runs of text, never a term itself.
    public static let breakScalar: Unicode.Scalar = "\u{1F}"

    public static func isHan(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0xF900...0xFAFF).contains(v)
            || (0x20000...0x2A6DF).contains(v)
    }

    public static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (0x30...0x39).contains(v) || (0x61...0x7A).contains(v) }
        return isHan(v) || s.properties.isAlphabetic
    }

    /// Normalised scalars. With `keepBreaks`, each run of punctuation or space becomes one break scalar.
    public static func scalars(_ text: String, keepBreaks: Bool) -> [Unicode.Scalar] {
        let simplified = simplifiedTable
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.unicodeScalars.count)
        for s in folded(text) {
            if isWordScalar(s) {
                let v = s.value
                if v >= firstHan, v - firstHan < UInt32(simplified.count), simplified[Int(v - firstHan)] != 0,
                   let simple = Unicode.Scalar(simplified[Int(v - firstHan)]) {
                    out.append(simple)
                } else {
                    out.append(s)
                }
            } else if keepBreaks, let last = out.last, last != breakScalar {
                out.append(breakScalar)
            }
        }
        if out.last == breakScalar { out.removeLast() }
        return out
    }

    private static let firstHan: UInt32 = 0x4E00

    /// NFKC and lower case. Questions and entries are nearly always ASCII, Han characters and the usual
    /// Chinese punctuation, whose folding is a fixed per-character map (full-width forms to ASCII, the
    /// ideographic space to a space); only other text goes through Foundation's normalisation, which cost
    /// about a seventh of a query's time at 1k entries.
    static func folded(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.unicodeScalars.count)
        for s in text.unicodeScalars {
            guard let f = foldedDirectly(s) else {
                return Array(text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars)
            }
            out.append(f)
        }
        return out
    }

    /// The NFKC + lower-case form of a character whose folding is one character and known here; nil otherwise.
    static func foldedDirectly(_ s: Unicode.Scalar) -> Unicode.Scalar? {
        var v = s.value
        switch v {
        case 0xFF01...0xFF5E: v -= 0xFEE0  // full-width ASCII forms
        case 0x3000: v = 0x20  // ideographic space
        case 0..<0x80, 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x3001...0x3003, 0x3008...0x3011, 0x2014, 0x2018...0x201D: break
        default: return nil
        }
        if (0x41...0x5A).contains(v) { v += 0x20 }
        return Unicode.Scalar(v)
    }

    /// Simplified form per code point from U+4E00 (0: unchanged), from `simplifiedPairs`. Characters of the
    /// simplified standard set are not in it, so simplified text never changes.
    private static let simplifiedTable: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 0xA000 - 0x4E00)
        var pending: Unicode.Scalar?
        for scalar in simplifiedPairs.unicodeScalars where scalar != "\n" {
            if let traditional = pending {
                if traditional.value >= firstHan, traditional.value - firstHan < UInt32(table.count) {
                    table[Int(traditional.value - firstHan)] = scalar.value
                }
                pending = nil
            } else {
                pending = scalar
            }
        }
        return table
    }()

    public static func normalize(_ text: String) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars(text, keepBreaks: false))
        return String(s)
    }
}
