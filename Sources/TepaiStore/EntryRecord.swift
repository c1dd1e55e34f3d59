import Foundation
import GRDB
import TepaiCore

/// The `entries` row. Tags and aliases are JSON arrays in text columns: they are always read with their entry.
package struct EntryRecord: Codable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "entries"

    package var id: String
    package var kind: String
    package var title: String
    package var body: String
    package var tags: String
    package var region: String
    package var date: String?
    package var url: String?
    package var aliases: String
    package var startsAt: String?
    package var endsAt: String?
    package var deadline: String?
    package var venue: String?
    package var audience: String?
    package var format: String?
    package var contentHash: String
    package var createdAt: String
    package var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, kind, title, body, tags, region, date, url, aliases
        case startsAt = "starts_at", endsAt = "ends_at", deadline, venue, audience, format
        case contentHash = "content_hash", createdAt = "created_at", updatedAt = "updated_at"
    }

    package init(_ e: Entry, hash: String, createdAt: String, updatedAt: String) {
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

    package func entry() throws -> Entry {
        guard let kind = EntryKind(rawValue: kind) else { throw StoreError("entry \(id) has an unknown kind \"\(kind)\" in the database") }
        return Entry(
            id: id, kind: kind, title: title, body: body, tags: Self.decodeList(tags), region: region,
            date: date.flatMap(LocalDate.init), url: url, aliases: Self.decodeList(aliases),
            startsAt: startsAt.flatMap(LocalDateTime.init), endsAt: endsAt.flatMap(LocalDateTime.init),
            deadline: deadline.flatMap(LocalDateTime.init), venue: venue, audience: audience, format: format)
    }

    /// A JSON array of strings, written directly (JSONSerialization is the slowest part of large imports).
    package static func encodeList(_ list: [String]) -> String {
        var out = "["
        for (i, item) in list.enumerated() {
            if i > 0 { out += "," }
            out += "\""
            for scalar in item.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            out += "\""
        }
        return out + "]"
    }

    package static func decodeList(_ text: String) -> [String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String] ?? []
    }

    /// A stable fingerprint of the content, so re-importing an unchanged entry is not a change.
    package static func hash(_ e: Entry) -> String {
        var h = FNV1a()
        h.add(e.kind.rawValue); h.add(e.title); h.add(e.body)
        for t in e.tags { h.add(t) }
        h.separator()
        h.add(e.region); h.add(e.date?.description ?? ""); h.add(e.url ?? "")
        for a in e.aliases { h.add(a) }
        h.separator()
        h.add(e.startsAt?.description ?? ""); h.add(e.endsAt?.description ?? ""); h.add(e.deadline?.description ?? "")
        h.add(e.venue ?? ""); h.add(e.audience ?? ""); h.add(e.format ?? "")
        return String(h.value, radix: 16)
    }
}
