import TepaiCore

/// Shortens text on a sentence boundary so replies never stop mid-sentence.
public enum TextTrimmer {
    /// At most `limit` characters, cut after the last sentence end that fits; when no sentence fits, cut
    /// at the limit and add an ellipsis.
    public static func trim(_ text: String, toCharacters limit: Int) -> String {
        // Walks at most `limit` characters, never the whole text (bodies can be long; digests trim thousands).
        guard let cut = text.index(text.startIndex, offsetBy: limit, limitedBy: text.endIndex), cut < text.endIndex else { return text }
        let head = text[..<cut]
        // Sentence ends are single scalars: compare scalars, not hashed Characters.
        if let end = head.lastIndex(where: { $0.unicodeScalars.count == 1 && sentenceEndScalars.contains($0.unicodeScalars.first?.value ?? 0) }),
           head.distance(from: head.startIndex, to: end) >= limit / 3 {
            return String(head[...end]).trimmingTrailingWhitespace() + "…"
        }
        return String(text.prefix(max(limit - 1, 0))) + "…"
    }

    /// The start of a text on one line: runs of whitespace (newlines included) become one space, and it is
    /// cut after the last sentence end within `limit` (or at the limit, with an ellipsis). Reads only as far
    /// as the limit and works on Unicode scalars: round-ups summarise thousands of bodies.
    public static func summary(_ text: String, toCharacters limit: Int) -> String {
        var out = String.UnicodeScalarView()
        var count = 0
        var pendingSpace = false
        var lastSentenceEnd: (index: String.UnicodeScalarView.Index, count: Int)?
        var truncated = false
        for scalar in text.unicodeScalars {
            if isSpace(scalar) {
                pendingSpace = count > 0
                continue
            }
            if count + (pendingSpace ? 2 : 1) > limit {
                truncated = true
                break
            }
            if pendingSpace {
                out.append(" ")
                count += 1
                pendingSpace = false
            }
            out.append(scalar)
            count += 1
            if sentenceEndScalars.contains(scalar.value) { lastSentenceEnd = (out.endIndex, count) }
        }
        guard truncated else { return String(out) }
        if let end = lastSentenceEnd, end.count >= limit / 3 { return String(String.UnicodeScalarView(out[..<end.index])) + "…" }
        // No sentence end worth keeping: cut at the limit, leaving room for the ellipsis.
        var cut = String.UnicodeScalarView(out.prefix(max(limit - 1, 0)))
        while let last = cut.last, isSpace(last) { cut.removeLast() }
        return String(cut) + "…"
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x3000, 0x2000...0x200A, 0x2028, 0x2029: true
        default: false
        }
    }
}
