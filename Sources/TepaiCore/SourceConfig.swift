import Foundation

/// What a content source reads: a watched folder of entry files, or a feed polled over HTTP.
public enum SourceType: String, Sendable, CaseIterable, Codable {
    /// A directory of `.json`, `.jsonl`, `.yaml`/`.yml` entry files (the schema of `tepai import`).
    case folder
    /// An RSS 2.0 or Atom feed.
    case rss
    /// A JSON Feed 1.1, or a list (or `{"entries": […]}`) of entries in tepai's own schema.
    case json

    public var isFeed: Bool { self != .folder }

    /// The shortest interval a source of this type may be polled at.
    public var minimumInterval: Int { isFeed ? 10 : 2 }
}

/// One configured content source (`sources:` in the configuration).
public struct SourceConfig: Sendable, Equatable {
    public static let defaultInterval = 300
    /// Source names prefix the ids of feed items, so they must fit in an entry id with room for the hash.
    public static let maxNameLength = 100

    public var name: String
    public var type: SourceType
    /// The folder of a folder source.
    public var path: String
    /// The URL of a feed source.
    public var url: String
    public var intervalSeconds: Int
    /// Kind, region and tags given to feed items (entries in tepai's own schema carry their own).
    public var kind: EntryKind
    public var region: String
    public var tags: [String]

    public init(name: String, type: SourceType, path: String = "", url: String = "", intervalSeconds: Int = SourceConfig.defaultInterval,
                kind: EntryKind = .policy, region: String = Region.city, tags: [String] = []) {
        self.name = name
        self.type = type
        self.path = path
        self.url = url
        self.intervalSeconds = intervalSeconds
        self.kind = kind
        self.region = region
        self.tags = tags
    }

    /// The folder's path or the feed's URL.
    public var location: String { type == .folder ? path : url }
}
