import Foundation
import GRDB
import TepaiCore

/// The `entries` row. Tags and aliases are JSON arrays in text columns: they are always read with their entry.
struct EntryRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "entries"

    var id: String
    var kind: String
    var title: String
    var body: String
    var tags: String
    var region: String
    var date: String?
    var url: String?
    var aliases: String
    var startsAt: String?
    var endsAt: String?
    var deadline: String?
    var venue: String?
    var audience: String?
    var format: String?
    var contentHash: String
    var createdAt: String
    var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, kind, title, body, tags, region, date, url, aliases
        case startsAt = "starts_at", endsAt = "ends_at", deadline, venue, audience, format
        case contentHash = "content_hash", createdAt = "created_at", updatedAt = "updated_at"
    }

    init(_ e: Entry, hash: String, createdAt: String, updatedAt: String) {
        id = e.id
        kind = e.kind.rawValue
        title = e.title
        body = e.body
        tags = Self.encodeList(e.tags)
        region = e.region
        date = e.date?.description
        url = e.url
        aliases = Self.encodeList(e.aliases)
        startsAt = e.startsAt?.description
        endsAt = e.endsAt?.description
        deadline = e.deadline?.description
        venue = e.venue
        audience = e.audience
        format = e.format
        contentHash = hash
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    func entry() throws -> Entry {
        guard let kind = EntryKind(rawValue: kind) else { throw StoreError("entry \(id) has an unknown kind \"\(kind)\" in the database") }
        return Entry(
            id: id, kind: kind, title: title, body: body, tags: Self.decodeList(tags), region: region,
            date: date.flatMap(LocalDate.init), url: url, aliases: Self.decodeList(aliases),
            startsAt: startsAt.flatMap(LocalDateTime.init), endsAt: endsAt.flatMap(LocalDateTime.init),
            deadline: deadline.flatMap(LocalDateTime.init), venue: venue, audience: audience, format: format)
    }

    static func encodeList(_ list: [String]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: list), let s = String(data: data, encoding: .utf8) else { return "[]" }
        return s
    }

    static func decodeList(_ text: String) -> [String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String] ?? []
    }

    /// A stable fingerprint of the content, so re-importing an unchanged entry is not a change.
    static func hash(_ e: Entry) -> String {
        let parts: [String] = [
            e.kind.rawValue, e.title, e.body, e.tags.joined(separator: "\u{1F}"), e.region, e.date?.description ?? "",
            e.url ?? "", e.aliases.joined(separator: "\u{1F}"), e.startsAt?.description ?? "", e.endsAt?.description ?? "",
            e.deadline?.description ?? "", e.venue ?? "", e.audience ?? "", e.format ?? "",
        ]
        return String(FNV1a.hash(parts.joined(separator: "\u{1E}")), radix: 16)
    }
}

/// 64-bit FNV-1a: cheap and stable across runs (Swift's `Hasher` is seeded per process).
enum FNV1a {
    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}
