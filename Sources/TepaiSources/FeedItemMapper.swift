import Foundation
import TepaiCore

/// Turns a parsed feed into entries. A feed item becomes an entry with the id `<source>-<hash>` (a short,
/// stable hash of its guid, else its link), plain text for HTML, its date as a day in the configured zone,
/// and the source's kind, region and tags plus the item's categories. Records in tepai's own schema are
/// validated as `tepai import` validates them. Every entry passes the same `EntryValidator`; what does not
/// is skipped with its reason.
public struct FeedItemMapper: Sendable {
    public let source: SourceConfig
    public let validator: EntryValidator
    public let timeZone: TimeZone

    public init(source: SourceConfig, validator: EntryValidator, timeZone: TimeZone) {
        self.source = source
        self.validator = validator
        self.timeZone = timeZone
    }

    public struct Mapped: Sendable {
        public var entries: [Entry] = []
        public var skipped: [SkippedItem] = []
        public var warnings: [ImportWarning] = []
    }

    /// The id of a feed item: the source's name and 12 hex digits of the item's guid (or link).
    public static func entryID(source: String, key: String) -> String {
        var h = FNV1a()
        h.add(key)
        return "\(source)-\(h.hex.prefix(12))"
    }

    public func map(_ feed: ParsedFeed, feedURL: String) -> Mapped {
        var out = Mapped()
        out.skipped = feed.skipped
        var firstIndex: [String: Int] = [:]
        func keep(_ entry: Entry, index: Int) {
            if let first = firstIndex[entry.id] {
                out.skipped.append(SkippedItem(item: index, reason: "same id \"\(entry.id)\" as item \(first)"))
                return
            }
            firstIndex[entry.id] = index
            out.entries.append(entry)
        }
        let base = URL(string: feedURL)
        for item in feed.items {
            switch entry(for: item, base: base, warnings: &out.warnings) {
            case .success(let entry): keep(entry, index: item.index)
            case .failure(let skipped): out.skipped.append(skipped)
            }
        }
        for (index, raw) in feed.records {
            do throws(ImportError) {
                keep(try validator.entry(from: raw, at: RecordLocation(source: source.name, position: .record(index)), warnings: &out.warnings), index: index)
            } catch {
                out.skipped.append(SkippedItem(item: index, reason: Self.reason(error)))
            }
        }
        out.skipped.sort { Self.order($0.location) < Self.order($1.location) }
        return out
    }

    func entry(for item: FeedItem, base: URL?, warnings: inout [ImportWarning]) -> Result<Entry, SkippedItem> {
        let title = Self.clip(HTMLText.plainText(item.title ?? "").replacingOccurrences(of: "\n", with: " "), EntryValidator.maxTitleLength)
        guard !title.isEmpty else { return .failure(SkippedItem(item: item.index, reason: "no title")) }
        let link = item.link.flatMap { Self.absoluteURL($0, base: base) }
        guard let key = item.guid ?? item.link else {
            return .failure(SkippedItem(item: item.index, reason: "no link and no guid (or id): nothing identifies it from one poll to the next"))
        }
        let body = Self.clip(HTMLText.plainText(item.content ?? ""), EntryValidator.maxBodyLength)
        var tags: [String] = []
        for tag in source.tags + item.categories {
            let t = Self.clip(HTMLText.plainText(tag).replacingOccurrences(of: "\n", with: " "), EntryValidator.maxTagLength)
            if !t.isEmpty, !tags.contains(t), tags.count < EntryValidator.maxTagCount { tags.append(t) }
        }
        var record: [String: RawValue] = [
            "id": .string(Self.entryID(source: source.name, key: key)),
            "kind": .string(source.kind.rawValue),
            "title": .string(title),
            "body": .string(body.isEmpty ? title : body),
            "tags": .array(tags.map(RawValue.string)),
            "region": .string(source.region),
        ]
        if let url = link ?? item.guid.flatMap({ $0.hasPrefix("http") ? Self.absoluteURL($0, base: nil) : nil }) {
            record["url"] = .string(url)
        }
        if let date = item.date.flatMap({ FeedDate.day($0, in: timeZone) }) { record["date"] = .string(date.description) }
        do throws(ImportError) {
            return .success(try validator.entry(from: .object(record), at: RecordLocation(source: source.name, position: .record(item.index)), warnings: &warnings))
        } catch {
            return .failure(SkippedItem(item: item.index, reason: Self.reason(error)))
        }
    }

    /// An http(s) URL, resolved against the feed's own URL when relative; nil for anything else.
    static func absoluteURL(_ text: String, base: URL?) -> String? {
        guard let url = URL(string: text.trimmingCharacters(in: .whitespacesAndNewlines), relativeTo: base)?.absoluteURL,
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return nil }
        let s = url.absoluteString
        return s.count <= 2000 ? s : nil
    }

    static func clip(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// The validator's error without the location (the caller names the item).
    static func reason(_ error: ImportError) -> String {
        switch error {
        case .invalidField(_, let field, let reason): "field \"\(field)\": \(reason)"
        case .invalidRecord(_, let reason): reason
        case .unreadable(_, let reason): reason
        }
    }

    static func order(_ location: String) -> Int {
        Int(location.split(separator: " ").last ?? "") ?? 0
    }
}
