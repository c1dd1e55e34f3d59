import TepaiCore

/// What one poll of one source did.
public struct SourceReport: Sendable {
    public var source: String
    public var type: SourceType
    /// Entries added, changed and seen again unchanged.
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    /// Items, records or files left out, with their reasons.
    public var skipped: [SkippedItem] = []
    /// The feed answered 304 Not Modified.
    public var notModified = false
    /// Folder sources: files read because they changed, and files left alone because they did not.
    public var filesRead = 0
    public var filesUnchanged = 0
    /// Files whose content changed while being read or was changed too recently (read at the next poll).
    public var filesDeferred = 0
    /// Why the poll failed as a whole (nothing was stored).
    public var error: String?

    public init(source: String, type: SourceType) {
        self.source = source
        self.type = type
    }

    public var changedEntries: Bool { added + updated > 0 }

    /// One line for `tepai sources poll` and the log.
    public var summary: String {
        if let error { return "\(source): failed: \(error)" }
        if notModified { return "\(source): 304 not modified" }
        var line = "\(source): \(added) new, \(updated) changed, \(unchanged) unchanged, \(skipped.count) skipped"
        if type == .folder {
            line += " (\(filesRead) file(s) read, \(filesUnchanged) unchanged"
            line += filesDeferred > 0 ? ", \(filesDeferred) still being written)" : ")"
        }
        return line
    }
}
