import Foundation
import TepaiCore

/// What a question word says the asker wants to know.
public typealias Intent = String

/// The domain lexicon (`config/lexicon.yaml`): abbreviations, synonyms, function words, intent and kind
/// words, look-alike characters. Administrators edit it; every word is normalised here the same way
/// queries are, so "R&D" and "ｒ＆ｄ" are one key.
public struct Lexicon: Sendable {
    /// short form → full forms
    public var abbreviations: [String: [String]] = [:]
    /// word → the other members of its synonym group
    public var synonyms: [String: [String]] = [:]
    public var functionWords: Set<String> = []
    public var intents: [String: Intent] = [:]
    public var intentWords: [Intent: [String]] = [:]
    /// intent → words in titles of entries that answer it (amount → 奖励, 补助, 扶持): what a question asks
    /// in its words (给多少钱) and what an answering entry is called (扶持措施) often share no character.
    public var intentAnswers: [Intent: [String]] = [:]
    public var kindWords: [String: EntryKind] = [:]
    /// character → characters that look like it
    public var lookalikes: [Unicode.Scalar: [Unicode.Scalar]] = [:]
    /// word → the agency whose business it is (商标 → 市场监管部门): a question about it that no entry is
    /// about is declined with a pointer to that agency instead of answered with an entry that mentions it.
    public var elsewhere: [String: String] = [:]
    /// Routine acts and generic parties (申请, 延期, 登记, 企业, 项目): beside another agency's word they do not
    /// make a question ours (安全生产许可证延期 is about the licence, not about 延期).
    public var routineWords: Set<String> = []
    /// The longest word in any section, for longest-match scans.
    public private(set) var maxWordLength = 1

    public init() {}

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func load(path: String) throws -> Lexicon {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LoadError(description: "\(path): cannot read the lexicon file")
        }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String) throws -> Lexicon {
        let root: RawValue
        do { root = try RawValue.parseYAML(text) } catch {
            throw LoadError(description: "\(source): not valid YAML (\(error))")
        }
        guard let top = root.objectValue else { throw LoadError(description: "\(source): expected sections such as abbreviations:, synonyms:") }
        let known: Set<String> = ["abbreviations", "synonyms", "function_words", "intents", "intent_answers", "kinds", "lookalikes", "elsewhere", "routine_words"]
        for key in top.keys.sorted() where !known.contains(key) {
            throw LoadError(description: "\(source): unknown section \"\(key)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
        func words(_ v: RawValue?, _ at: String) throws -> [String] {
            guard let v, !v.isNull else { return [] }
            guard case .array(let items) = v else { throw LoadError(description: "\(source): \(at) must be a list like [词1, 词2]") }
            return try items.map { item in
                switch item {
                case .string(let s): return TextNormalizer.normalize(s)
                case .number(let n): return TextNormalizer.normalize(String(Int(n)))
                default: throw LoadError(description: "\(source): \(at) has \(item.typeName) where a word belongs")
                }
            }.filter { !$0.isEmpty }
        }
        func section(_ key: String) throws -> [String: RawValue] {
            guard let v = top[key], !v.isNull else { return [:] }
            guard let o = v.objectValue else { throw LoadError(description: "\(source): \(key) must be key: [words] lines") }
            return o
        }

        var lex = Lexicon()
        for (short, full) in try section("abbreviations") {
            let key = TextNormalizer.normalize(short)
            lex.abbreviations[key, default: []] += try words(full, "abbreviations.\(short)").filter { $0 != key }
        }
        if let groups = top["synonyms"], !groups.isNull {
            guard case .array(let items) = groups else { throw LoadError(description: "\(source): synonyms must be a list of groups") }
            // A word in two groups would silently join them; the header asks for one group per word.
            var groupOf: [String: Int] = [:]
            for (i, group) in items.enumerated() {
                let members = try words(group, "synonyms group \(i + 1)")
                for m in members {
                    if let first = groupOf[m], first != i + 1 {
                        throw LoadError(description: "\(source): synonyms groups \(first) and \(i + 1) both list \"\(m)\"; put each word in one group only (merge the groups if they mean the same)")
                    }
                    groupOf[m] = i + 1
                }
                for m in members { lex.synonyms[m, default: []] += members.filter { $0 != m } }
            }
        }
        lex.functionWords = Set(try words(top["function_words"], "function_words"))
        for (intent, list) in try section("intents") {
            for w in try words(list, "intents.\(intent)") {
                lex.intents[w] = intent
                lex.intentWords[intent, default: []].append(w)
            }
        }
        for (intent, list) in try section("intent_answers") {
            guard lex.intentWords[intent] != nil else {
                throw LoadError(description: "\(source): intent_answers.\(intent) names no intent of intents:")
            }
            lex.intentAnswers[intent] = try words(list, "intent_answers.\(intent)")
        }
        for (kindName, list) in try section("kinds") {
            guard let kind = EntryKind(rawValue: kindName) else {
                throw LoadError(description: "\(source): kinds.\(kindName) is not an entry kind (\(EntryKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            for w in try words(list, "kinds.\(kindName)") { lex.kindWords[w] = kind }
        }
        if let groups = top["lookalikes"], !groups.isNull {
            guard case .array(let items) = groups else { throw LoadError(description: "\(source): lookalikes must be a list of groups") }
            for (i, group) in items.enumerated() {
                let chars = try words(group, "lookalikes group \(i + 1)").compactMap { $0.unicodeScalars.count == 1 ? $0.unicodeScalars.first : nil }
                for c in chars { lex.lookalikes[c, default: []] += chars.filter { $0 != c } }
            }
        }
        for (agency, list) in try section("elsewhere") {
            let name = agency.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw LoadError(description: "\(source): elsewhere has an empty agency name") }
            for w in try words(list, "elsewhere.\(agency)") {
                guard w.unicodeScalars.count >= 2 else {
                    throw LoadError(description: "\(source): elsewhere.\(agency) has the one-character word \"\(w)\"; write the whole word")
                }
                if let other = lex.elsewhere[w], other != name {
                    throw LoadError(description: "\(source): elsewhere lists \"\(w)\" under both \(other) and \(name)")
                }
                lex.elsewhere[w] = name
            }
        }
        lex.routineWords = Set(try words(top["routine_words"], "routine_words"))
        let all = Array(lex.abbreviations.keys) + Array(lex.synonyms.keys) + Array(lex.functionWords)
            + Array(lex.intents.keys) + Array(lex.kindWords.keys) + Array(lex.elsewhere.keys)
        lex.maxWordLength = all.map { $0.unicodeScalars.count }.max() ?? 1
        return lex
    }
}
