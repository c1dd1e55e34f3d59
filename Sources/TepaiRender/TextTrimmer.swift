import TepaiCore

/// Shortens text on a sentence boundary so replies never stop mid-sentence.
public enum TextTrimmer {
    /// At most `limit` characters, cut after the last sentence end that fits; when no sentence fits, cut
    /// at the limit and add an ellipsis.
    public static func trim(_ text: String, toCharacters limit: Int) -> String {
        guard text.count > limit else { return text }
        let head = text.prefix(limit)
        if let end = head.lastIndex(where: { sentenceEnds.contains($0) }), head.distance(from: head.startIndex, to: end) >= limit / 3 {
            return String(head[...end]).trimmingTrailingWhitespace() + "…"
        }
        return String(text.prefix(max(limit - 1, 0))) + "…"
    }
}
