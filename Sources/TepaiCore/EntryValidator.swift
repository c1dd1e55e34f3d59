/// Turns one parsed record into an `Entry`, or says precisely which field is wrong and why.
import Foundation

public struct EntryValidator: Sendable {
    public static let maxIDLength = 128
    public static let maxTitleLength = 300
    public static let maxBodyLength = 20_000
    public static let maxTagCount = 50
    public static let maxTagLength = 50

    /// Region names an entry may carry besides "" (national) — "市级" and the configured counties.
    public let knownRegions: Set<String>
    /// Unknown fields are an error in strict mode and a warning otherwise.
    public let strict: Bool

    public init(knownRegions: Set<String>, strict: Bool = false) {
        self.knownRegions = knownRegions
        self.strict = strict
    }

    static let allowedFields = Set(Entry.CodingKeys.allCases.map(\.rawValue))

    public func entry(from raw: RawValue, at loc: RecordLocation, warnings: inout [ImportWarning]) throws(ImportError) -> Entry {
        guard let object = raw.objectValue else {
            throw .invalidRecord(loc, reason: "expected an object with id, kind, title and body, found \(raw.typeName)")
        }
        for key in object.keys.sorted() where !Self.allowedFields.contains(key) {
            let known = Self.allowedFields.sorted().joined(separator: ", ")
            if strict { throw .invalidField(loc, field: key, reason: "unknown field (known fields: \(known))") }
            warnings.append(ImportWarning(location: loc, message: "unknown field \"\(key)\" ignored"))
        }
        let reader = FieldReader(object: object, location: loc)

        let id = try reader.requiredText("id", maxLength: Self.maxIDLength)
        if id.contains(where: { $0.isWhitespace || $0.isNewline }) {
            throw .invalidField(loc, field: "id", reason: "must not contain spaces or line breaks")
        }
        let kindText = try reader.requiredText("kind", maxLength: 20)
        guard let kind = EntryKind(rawValue: kindText) else {
            throw .invalidField(loc, field: "kind", reason: "\"\(kindText)\" is not one of \(EntryKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let title = try reader.requiredText("title", maxLength: Self.maxTitleLength)
        let body = try reader.requiredText("body", maxLength: Self.maxBodyLength)
        let tags = try reader.textList("tags", maxCount: Self.maxTagCount, maxLength: Self.maxTagLength)
        let aliases = try reader.textList("aliases", maxCount: 50, maxLength: Self.maxTitleLength)
        let region = try reader.optionalText("region", maxLength: 50) ?? ""
        if !region.isEmpty && !knownRegions.contains(region) {
            let hint = knownRegions.first(where: { $0.hasPrefix(region) || region.hasPrefix($0) }).map { " — did you mean \"\($0)\"?" } ?? ""
            throw .invalidField(loc, field: "region", reason: "unknown region \"\(region)\"; use \"\" for national rules, 市级, or a configured county\(hint)")
        }
        let date = try reader.date("date")
        let url = try reader.optionalText("url", maxLength: 2000)
        if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw .invalidField(loc, field: "url", reason: "must start with http:// or https://")
        }
        let startsAt = try reader.dateTime("starts_at")
        let endsAt = try reader.dateTime("ends_at")
        if let startsAt, let endsAt, endsAt < startsAt {
            throw .invalidField(loc, field: "ends_at", reason: "\(endsAt) is before starts_at \(startsAt)")
        }
        return Entry(
            id: id, kind: kind, title: title, body: body, tags: tags, region: region, date: date, url: url,
            aliases: aliases, startsAt: startsAt, endsAt: endsAt, deadline: try reader.dateTime("deadline"),
            venue: try reader.optionalText("venue", maxLength: 300),
            audience: try reader.optionalText("audience", maxLength: 300),
            format: try reader.optionalText("format", maxLength: 50))
    }
}

/// Typed access to one record's fields with errors that name the field.
private struct FieldReader {
    let object: [String: RawValue]
    let location: RecordLocation

    func requiredText(_ field: String, maxLength: Int) throws(ImportError) -> String {
        guard let value = object[field], !value.isNull else { throw .invalidField(location, field: field, reason: "is required") }
        guard let text = value.stringValue else { throw .invalidField(location, field: field, reason: "must be text, found \(value.typeName)") }
        let trimmed = text.trimmedFast
        if trimmed.isEmpty { throw .invalidField(location, field: field, reason: "must not be empty") }
        // Characters are never more than UTF-8 bytes, so the exact (slow) count is only needed near the limit.
        if trimmed.utf8.count > maxLength, trimmed.count > maxLength { throw .invalidField(location, field: field, reason: "is \(trimmed.count) characters long; at most \(maxLength)") }
        return trimmed
    }

    func optionalText(_ field: String, maxLength: Int) throws(ImportError) -> String? {
        guard let value = object[field], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw .invalidField(location, field: field, reason: "must be text or null, found \(value.typeName)") }
        let trimmed = text.trimmedFast
        if trimmed.utf8.count > maxLength, trimmed.count > maxLength {
            throw .invalidField(location, field: field, reason: "is \(trimmed.count) characters long; at most \(maxLength)")
        }
        return trimmed
    }

    func textList(_ field: String, maxCount: Int, maxLength: Int) throws(ImportError) -> [String] {
        guard let value = object[field], !value.isNull else { return [] }
        guard case .array(let items) = value else { throw .invalidField(location, field: field, reason: "must be a list of text, found \(value.typeName)") }
        if items.count > maxCount { throw .invalidField(location, field: field, reason: "has \(items.count) items; at most \(maxCount)") }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            guard let text = item.stringValue?.trimmedFast, !text.isEmpty else {
                throw .invalidField(location, field: field, reason: "item \(i + 1) must be non-empty text, found \(item.typeName)")
            }
            if text.utf8.count > maxLength, text.count > maxLength { throw .invalidField(location, field: field, reason: "item \(i + 1) is longer than \(maxLength) characters") }
            out.append(text)
        }
        return out
    }

    func date(_ field: String) throws(ImportError) -> LocalDate? {
        guard let text = try optionalText(field, maxLength: 40), !text.isEmpty else { return nil }
        guard let day = LocalDate(text) else { throw .invalidField(location, field: field, reason: "\"\(text)\" is not a real day in YYYY-MM-DD form") }
        return day
    }

    func dateTime(_ field: String) throws(ImportError) -> LocalDateTime? {
        guard let text = try optionalText(field, maxLength: 40), !text.isEmpty else { return nil }
        guard let value = LocalDateTime(text) else {
            throw .invalidField(location, field: field, reason: "\"\(text)\" is not YYYY-MM-DD or YYYY-MM-DDTHH:MM")
        }
        return value
    }
}
