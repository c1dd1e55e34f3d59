import Foundation

/// What an entry is, which decides how it is answered and routed.
public enum EntryKind: String, Codable, Sendable, CaseIterable {
    case faq, policy, training, matching, notice

    /// Trainings and matchmaking fairs happen on a day; they can be upcoming or over.
    public var isEvent: Bool { self == .training || self == .matching }

    /// The word a bureau administrator would use for the kind, for replies and messages.
    public var label: String {
        switch self {
        case .faq: "问答"
        case .policy: "政策"
        case .training: "培训"
        case .matching: "对接会"
        case .notice: "通知"
        }
    }
}

/// One piece of content in the store: a policy notice, FAQ, training or matchmaking event.
/// Field names follow the entry schema contract of the design brief.
public struct Entry: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var kind: EntryKind
    public var title: String
    public var body: String
    public var tags: [String]
    /// "" for a national rule, "市级" for the city, or a county name.
    public var region: String
    /// Publication day, or the event day for trainings and fairs.
    public var date: LocalDate?
    public var url: String?
    public var aliases: [String]
    public var startsAt: LocalDateTime?
    public var endsAt: LocalDateTime?
    public var deadline: LocalDateTime?
    public var venue: String?
    public var audience: String?
    public var format: String?

    public init(
        id: String, kind: EntryKind, title: String, body: String, tags: [String] = [], region: String = "",
        date: LocalDate? = nil, url: String? = nil, aliases: [String] = [], startsAt: LocalDateTime? = nil,
        endsAt: LocalDateTime? = nil, deadline: LocalDateTime? = nil, venue: String? = nil,
        audience: String? = nil, format: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.body = body
        self.tags = tags
        self.region = region
        self.date = date
        self.url = url
        self.aliases = aliases
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.deadline = deadline
        self.venue = venue
        self.audience = audience
        self.format = format
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, kind, title, body, tags, region, date, url, aliases
        case startsAt = "starts_at", endsAt = "ends_at", deadline, venue, audience, format
    }

    /// The day an event takes place: `date`, else the day of `starts_at`.
    public var eventDay: LocalDate? { date ?? startsAt?.date }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(title, forKey: .title)
        try c.encode(body, forKey: .body)
        try c.encode(tags, forKey: .tags)
        try c.encode(region, forKey: .region)
        try c.encode(date, forKey: .date)
        try c.encode(url, forKey: .url)
        if !aliases.isEmpty { try c.encode(aliases, forKey: .aliases) }
        try c.encodeIfPresent(startsAt, forKey: .startsAt)
        try c.encodeIfPresent(endsAt, forKey: .endsAt)
        try c.encodeIfPresent(deadline, forKey: .deadline)
        try c.encodeIfPresent(venue, forKey: .venue)
        try c.encodeIfPresent(audience, forKey: .audience)
        try c.encodeIfPresent(format, forKey: .format)
    }
}
