import Foundation
import TepaiCore

/// Reads a JSON Feed 1.1 (`items`: id, url, title, content_text, content_html, summary, date_published, tags)
/// or, in tepai's own schema, a list of entries or `{"entries": […]}`.
enum JSONFeedParser {
    static func parse(_ data: Data) throws(SourceError) -> ParsedFeed {
        let root: RawValue
        do { root = try RawValue.parseJSON(data) } catch {
            throw SourceError("not valid JSON (\(EntryBatchReader.describe(error)))")
        }
        switch root {
        case .array(let list):
            return ParsedFeed(format: .entries, records: list.enumerated().map { ($0.offset + 1, $0.element) })
        case .object(let o) where o["items"] != nil:
            guard case .array(let list)? = o["items"] else { throw SourceError("\"items\" of a JSON Feed must be a list") }
            return jsonFeed(list)
        case .object(let o) where o["entries"] != nil:
            guard case .array(let list)? = o["entries"] else { throw SourceError("\"entries\" must be a list of entries") }
            return ParsedFeed(format: .entries, records: list.enumerated().map { ($0.offset + 1, $0.element) })
        default:
            throw SourceError("expected a JSON Feed (an object with \"items\"), a list of entries or {\"entries\": […]}, found \(root.typeName)")
        }
    }

    static func jsonFeed(_ list: [RawValue]) -> ParsedFeed {
        var feed = ParsedFeed(format: .jsonFeed)
        for (i, raw) in list.enumerated() {
            guard let o = raw.objectValue else {
                feed.skipped.append(SkippedItem(item: i + 1, reason: "expected an object, found \(raw.typeName)"))
                continue
            }
            func text(_ key: String) -> String? {
                switch o[key] {
                case .string(let s)?: let t = s.trimmingCharacters(in: .whitespacesAndNewlines); return t.isEmpty ? nil : t
                case .number(let n)?: return n == n.rounded() ? String(Int(n)) : String(n)
                default: return nil
                }
            }
            var tags: [String] = []
            if case .array(let values)? = o["tags"] { tags = values.compactMap(\.stringValue) }
            feed.items.append(FeedItem(
                index: i + 1, title: text("title"), link: text("url") ?? text("external_url"), guid: text("id"),
                content: text("content_text") ?? text("content_html") ?? text("summary"),
                date: text("date_published") ?? text("date_modified"), categories: tags))
        }
        return feed
    }
}

