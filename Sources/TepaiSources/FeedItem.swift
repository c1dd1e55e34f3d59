import TepaiCore

/// One item of an RSS, Atom or JSON feed as written, before it becomes an entry. Texts may hold HTML.
public struct FeedItem: Sendable, Equatable {
    /// 1-based position in the feed, for messages about the item.
    public var index: Int
    public var title: String?
    public var link: String?
    /// RSS `guid`, Atom `id`, JSON Feed `id`.
    public var guid: String?
    /// The fullest text the item has (content, else description or summary), possibly HTML.
    public var content: String?
    /// The date as written (RFC 822 or RFC 3339).
    public var date: String?
    public var categories: [String]

    public init(index: Int, title: String? = nil, link: String? = nil, guid: String? = nil, content: String? = nil,
                date: String? = nil, categories: [String] = []) {
        self.index = index
        self.title = title
        self.link = link
        self.guid = guid
        self.content = content
        self.date = date
        self.categories = categories
    }
}

/// What a feed document held: feed items to map, or records in tepai's own entry schema to validate.
public struct ParsedFeed: Sendable {
    public enum Format: String, Sendable { case rss = "RSS", atom = "Atom", jsonFeed = "JSON Feed", entries = "tepai entries" }

    public var format: Format
    public var items: [FeedItem]
    /// Records of a JSON list of tepai entries, with their 1-based position.
    public var records: [(index: Int, value: RawValue)]
    /// Items that could not even be read as items (a JSON Feed item that is not an object).
    public var skipped: [SkippedItem]

    public init(format: Format, items: [FeedItem] = [], records: [(index: Int, value: RawValue)] = [], skipped: [SkippedItem] = []) {
        self.format = format
        self.items = items
        self.records = records
        self.skipped = skipped
    }
}

/// An item or record left out of a poll, and why.
public struct SkippedItem: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where it was: "item 3" of a feed, or "FILE, record 2" of a folder's file.
    public var location: String
    public var reason: String

    public init(location: String, reason: String) {
        self.location = location
        self.reason = reason
    }

    public init(item index: Int, reason: String) {
        self.init(location: "item \(index)", reason: reason)
    }

    public var description: String { "\(location): \(reason)" }
}

/// A source could not be polled at all (unreachable, HTTP error, unparsable document, missing folder).
public struct SourceError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
