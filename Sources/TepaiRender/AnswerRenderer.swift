import TepaiCore
import TepaiSearch

/// Renders the reply a group sees from a search outcome, through `Templates/answer.mustache`.
public struct AnswerRenderer: Sendable {
    public let templates: TemplateSet
    public let contact: String
    public var bodyLimit = 300

    public init(templates: TemplateSet, contact: String) {
        self.templates = templates
        self.contact = contact
    }

    public func render(_ outcome: SearchOutcome) throws -> String {
        try templates.render("answer", context(outcome)).trimmingTrailingWhitespace()
    }

    public func context(_ outcome: SearchOutcome) -> [String: Any] {
        var c: [String: Any] = ["query": outcome.query, "contact": contact, "declined": outcome.declined]
        if outcome.declined, let other = outcome.elsewhere { c["elsewhere"] = ["word": other.word, "agency": other.agency] }
        guard let best = outcome.hits.first, !outcome.declined else { return c }
        var answer = Self.entryContext(best.entry, bodyLimit: bodyLimit)
        answer["ended"] = best.ended
        c["answer"] = answer
        let related = outcome.hits.dropFirst().prefix(2).map { h -> [String: Any] in
            ["title": h.entry.title, "ended": h.ended]
        }
        if !related.isEmpty { c["related"] = related }
        return c
    }

    /// The template context of one entry (title, kind, trimmed body, link, and for events time, place,
    /// format and registration deadline); shared by replies, announcements and digests.
    public static func entryContext(_ e: Entry, bodyLimit: Int) -> [String: Any] {
        entryContext(e, body: TextTrimmer.trim(e.body, toCharacters: bodyLimit))
    }

    /// The same with the body already shortened (digests use a one-line summary).
    public static func entryContext(_ e: Entry, body: String) -> [String: Any] {
        var c: [String: Any] = ["title": e.title, "kind": e.kind.label, "body": body]
        if let url = e.url { c["url"] = url }
        if e.kind.isEvent {
            if let when = when(e) { c["when"] = when }
            if let venue = e.venue { c["venue"] = venue }
            if let deadline = e.deadline { c["deadline"] = dateText(deadline) }
            if let format = e.format { c["format"] = format }
        }
        return c
    }

    static func dateText(_ t: LocalDateTime) -> String {
        let d = t.date
        let base = "\(d.year)年\(d.month)月\(d.day)日"
        return t.hour == 0 && t.minute == 0 ? base : "\(base) \(t.clockText)"
    }

    static func when(_ e: Entry) -> String? {
        if let start = e.startsAt {
            var s = dateText(start)
            if let end = e.endsAt { s += end.date == start.date ? "–\(end.clockText)" : " 至 \(dateText(end))" }
            return s
        }
        return e.date.map { "\($0.year)年\($0.month)月\($0.day)日" }
    }
}
