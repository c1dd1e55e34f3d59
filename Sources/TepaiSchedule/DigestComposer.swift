import Foundation
import TepaiCore
import TepaiDelivery
import TepaiRender
import TepaiStore

/// One round-up for one channel, rendered and split, ready to commit or to preview.
public struct DigestPlan: Sendable {
    public var schedule: String
    public var digest: DigestKind
    public var channel: ChannelConfig
    public var period: String
    /// The entry versions it carries, in the order shown.
    public var items: [StoredEntry]
    /// Items that matched but did not fit `max_items`; they wait for the next round-up.
    public var omitted: Int
    /// The message parts, each within the platform's byte limit.
    public var parts: [String]
    public var title: String
    public var contentLimit: Int

    public var isEmpty: Bool { items.isEmpty }

    public func commit(now: Date) -> DigestCommit {
        let stamp = now.timeIntervalSince1970
        let messages = parts.enumerated().map { (i, content) in
            OutboxMessage(idempotencyKey: "digest:\(channel.name):\(digest.rawValue):\(period):\(i + 1)", channel: channel.name,
                          title: title, content: content, url: nil, part: i + 1, parts: parts.count, now: stamp)
        }
        return DigestCommit(channel: channel.name, digest: digest.rawValue, period: period,
                            items: items.map { ($0.entry.id, $0.contentHash) }, messages: messages)
    }
}

/// Chooses what a round-up carries and renders it through `Templates/digest-<kind>*.mustache`.
///
/// A round-up carries only entry versions the channel's earlier round-ups of the same kind did not carry, so
/// no entry appears in two consecutive ones unless it changed. Policy round-ups take what entered the store
/// since the channel's first round-up (looking back `days` before it); training and fair round-ups take
/// events from today to `days` ahead.
public struct DigestComposer: Sendable {
    public let templates: TemplateSet
    public let timeZone: TimeZone
    /// Characters of an item's body shown in a round-up.
    public var summaryLimit = 80

    /// Refuses a template set without the digest templates, so a missing one fails at start, not at send time.
    public init(templates: TemplateSet, timeZone: TimeZone) throws(TemplateError) {
        for kind in DigestKind.allCases where !templates.names.contains(kind.templateName) {
            throw TemplateError(file: "\(kind.templateName).mustache", line: nil, reason: "template missing from the templates folder")
        }
        self.templates = templates
        self.timeZone = timeZone
    }

    public func compose(_ job: ScheduleConfig, channel: ChannelConfig, entries: [StoredEntry], carried: Set<String>,
                        firstRun: Date?, now: Date, period: String) throws -> DigestPlan {
        let today = LocalDateTime.from(now, in: timeZone).date
        var candidates = entries.filter { s in
            job.digest.entryKinds.contains(s.entry.kind) && ChannelRouter.accepts(channel, s.entry)
                && !carried.contains("\(s.entry.id)\u{1}\(s.contentHash)")
        }
        switch job.digest {
        case .policy:
            let since = (firstRun ?? now).addingTimeInterval(-Double(job.days) * 86400)
            candidates = candidates.filter { $0.updatedAt >= since }
            candidates.sort { a, b in
                let (da, db) = (a.entry.date?.dayNumber ?? Int.min, b.entry.date?.dayNumber ?? Int.min)
                return da != db ? da > db : a.updatedAt != b.updatedAt ? a.updatedAt > b.updatedAt : a.entry.id < b.entry.id
            }
        case .trainings, .fairs, .reminders:
            let last = today.adding(days: job.days)
            candidates = candidates.filter { s in s.entry.eventDay.map { $0 >= today && $0 <= last } ?? false }
            candidates.sort { a, b in
                let (ta, tb) = (Self.startKey(a.entry), Self.startKey(b.entry))
                return ta != tb ? ta < tb : a.entry.id < b.entry.id
            }
        }
        let shown = Array(candidates.prefix(job.maxItems))
        var context: [String: Any] = [
            "period": "\(today.year)年\(today.month)月\(today.day)日", "channel": channel.name,
            "count": shown.count, "empty": shown.isEmpty, "region": Self.regionLabel(channel.regions),
        ]
        if candidates.count > shown.count { context["more"] = candidates.count - shown.count }
        context["items"] = shown.enumerated().map { (i, s) in itemContext(s.entry, index: i + 1, today: today) }
        let limit = PlatformAdapters.adapter(for: channel).contentLimit
        let (title, parts) = try renderParts(job.digest.templateName, channel: channel, context: context, limit: limit)
        return DigestPlan(schedule: job.name, digest: job.digest, channel: channel, period: period, items: shown,
                          omitted: candidates.count - shown.count, parts: shown.isEmpty && !job.sendEmpty ? [] : parts,
                          title: title, contentLimit: limit)
    }

    /// The context of one item: the entry's fields plus its place in the list, a one-line summary and the
    /// days left before its event and registration deadline.
    func itemContext(_ e: Entry, index: Int, today: LocalDate) -> [String: Any] {
        let summary = TextTrimmer.summary(e.body, toCharacters: summaryLimit)
        var c = AnswerRenderer.entryContext(e, body: summary)
        c["index"] = index
        c["id"] = e.id
        c["summary"] = summary
        c["region"] = e.region.isEmpty ? "全国" : e.region
        if let d = e.date, !e.kind.isEvent { c["published"] = "\(d.year)年\(d.month)月\(d.day)日" }
        if let day = e.eventDay { c["days_to_event"] = day.dayNumber - today.dayNumber }
        if let deadline = e.deadline {
            let left = deadline.date.dayNumber - today.dayNumber
            c["days_to_deadline"] = left
            if left < 0 { c["deadline_passed"] = true }
        }
        return c
    }

    /// Renders a template for the channel's platform and format, then splits it: the first line is the
    /// title that heads every part, and blank lines separate the blocks that are kept whole.
    public func renderParts(_ name: String, channel: ChannelConfig, context: [String: Any], limit: Int) throws -> (title: String, parts: [String]) {
        let message = RenderedMessage(try templates.render(name, platform: channel.platform, format: channel.format, context))
        let parts = MessageSplitter(limit: limit).split(title: message.title, blocks: message.blocks.map { MessageBlock($0) })
        return (Self.plainTitle(message.title), parts)
    }

    /// The title without markdown marks, for the platforms that show a separate title (DingTalk, Feishu).
    static func plainTitle(_ line: String) -> String {
        line.drop { $0 == "#" || $0 == " " }.replacingOccurrences(of: "**", with: "")
    }

    static func startKey(_ e: Entry) -> Int {
        if let s = e.startsAt { return s.wallSeconds }
        return (e.eventDay?.dayNumber ?? 0) * 86400
    }

    static func regionLabel(_ regions: [String]) -> String {
        if regions.contains("*") { return "全市" }
        return regions.joined(separator: "、")
    }
}
