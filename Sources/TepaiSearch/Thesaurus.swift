import Foundation

/// General-language synonym groups (`config/thesaurus.txt`, generated from 同义词词林). Unlike the domain
/// lexicon it is never applied as it stands: a question word is bridged to its group only when the knowledge
/// base lacks the word and holds another member (厂子 → 工厂), so a store that uses the asker's own word is
/// searched with it alone, and a loose group cannot pull in entries for a word the store already knows.
public struct Thesaurus: Sendable {
    /// Each group's words, normalised like questions.
    public private(set) var groups: [[String]] = []
    /// word → the groups it belongs to (a word can have several senses).
    public private(set) var groupsOf: [String: [Int32]] = [:]

    public init() {}

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func load(path: String) throws -> Thesaurus {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LoadError(description: "\(path): cannot read the thesaurus file")
        }
        return try parse(text, source: path)
    }

    /// One group per line, words separated by spaces; `#` starts a comment line.
    public static func parse(_ text: String, source: String) throws -> Thesaurus {
        var t = Thesaurus()
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            var words: [String] = []
            for w in trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                let word = TextNormalizer.normalize(String(w))
                if !word.isEmpty, !words.contains(word) { words.append(word) }
            }
            guard words.count >= 2 else {
                throw LoadError(description: "\(source) line \(n + 1): a group needs at least two words separated by spaces")
            }
            let id = Int32(t.groups.count)
            t.groups.append(words)
            for w in words { t.groupsOf[w, default: []].append(id) }
        }
        return t
    }
}
