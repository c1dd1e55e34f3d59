import Foundation
import TepaiCore

/// What was wrong with a form, by field name ("form" for the record as a whole).
struct FieldErrors: Error {
    var byField: [String: String]
}

/// An entry as an HTML form: the fields of the entry schema as text, read back through the importer's own
/// validator so the console accepts exactly what `tepai import` accepts, with each problem at its field.
enum EntryForm {
    static let textFields = ["id", "kind", "title", "body", "region", "date", "url", "starts_at", "ends_at", "deadline", "venue", "audience", "format"]

    /// The record the form describes; empty fields are left out (the validator then says which are required).
    static func raw(_ form: ConsoleForm) -> [String: RawValue] {
        var object: [String: RawValue] = [:]
        for name in textFields {
            let value = name == "body" ? form[name].replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                : form.trimmed(name)
            if !value.isEmpty { object[name] = .string(value) }
        }
        let tags = form["tags"].split(whereSeparator: { ",，、;；\n".contains($0) })
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        if !tags.isEmpty { object["tags"] = .array(tags.map(RawValue.string)) }
        let aliases = form["aliases"].split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !aliases.isEmpty { object["aliases"] = .array(aliases.map(RawValue.string)) }
        return object
    }

    /// The entry, or every problem found, by field. A problem at a field is recorded and the field dropped,
    /// so later fields are checked too; a required field that is wrong stops there.
    static func read(_ form: ConsoleForm, validator: EntryValidator) -> Result<Entry, FieldErrors> {
        var object = raw(form)
        var errors: [String: String] = [:]
        let here = RecordLocation(source: "表单", position: .record(1))
        for _ in 0..<(textFields.count + 2) {
            var warnings: [ImportWarning] = []
            do {
                let entry = try validator.entry(from: .object(object), at: here, warnings: &warnings)
                return errors.isEmpty ? .success(entry) : .failure(FieldErrors(byField: errors))
            } catch {
                switch error {
                case .invalidField(_, let field, let reason):
                    let key = field.split(separator: "[").first.map(String.init) ?? field
                    guard errors[key] == nil, object[key] != nil else {
                        if errors[key] == nil { errors[key] = ConsoleMessages.chinese(reason) }
                        return .failure(FieldErrors(byField: errors))
                    }
                    errors[key] = ConsoleMessages.chinese(reason)
                    object[key] = nil
                case .invalidRecord(_, let reason), .unreadable(_, let reason):
                    errors["form"] = ConsoleMessages.chinese(reason)
                    return .failure(FieldErrors(byField: errors))
                }
            }
        }
        return .failure(FieldErrors(byField: errors))
    }

    /// The form's values for an entry (editing) or for what was submitted (shown again with the errors).
    static func values(_ entry: Entry) -> [String: String] {
        [
            "id": entry.id, "kind": entry.kind.rawValue, "title": entry.title, "body": entry.body, "tags": entry.tags.joined(separator: ", "),
            "region": entry.region, "date": entry.date?.description ?? "", "url": entry.url ?? "", "aliases": entry.aliases.joined(separator: "\n"),
            "starts_at": entry.startsAt.map(dateTimeText) ?? "", "ends_at": entry.endsAt.map(dateTimeText) ?? "",
            "deadline": entry.deadline.map(dateTimeText) ?? "", "venue": entry.venue ?? "", "audience": entry.audience ?? "", "format": entry.format ?? "",
        ]
    }

    static func values(_ form: ConsoleForm) -> [String: String] {
        var out: [String: String] = [:]
        for name in textFields + ["tags", "aliases"] { out[name] = form[name] }
        return out
    }

    /// `2026-12-10T09:00`, the form an `<input type="datetime-local">` shows and sends back.
    static func dateTimeText(_ t: LocalDateTime) -> String { "\(t.date)T\(t.clockText)" }

    static func kindOptions(selected: String, only: [EntryKind] = EntryKind.allCases) -> [[String: Any]] {
        only.map { ["value": $0.rawValue, "label": $0.label, "selected": $0.rawValue == selected] }
    }
}
