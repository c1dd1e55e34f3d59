import Foundation

/// Puts text into the one form the index and queries share: NFKC (full-width → half-width), lower-case Latin,
/// punctuation and spaces removed. Documents keep a break where punctuation stood, so no n-gram spans two
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
        let folded = text.precomposedStringWithCompatibilityMapping.lowercased()
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(folded.unicodeScalars.count)
        for s in folded.unicodeScalars {
            if isWordScalar(s) {
                out.append(s)
            } else if keepBreaks, let last = out.last, last != breakScalar {
                out.append(breakScalar)
            }
        }
        if out.last == breakScalar { out.removeLast() }
        return out
    }

    public static func normalize(_ text: String) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars(text, keepBreaks: false))
        return String(s)
    }
}
