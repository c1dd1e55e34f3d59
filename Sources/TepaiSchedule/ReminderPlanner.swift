import Foundation
import TepaiCore
import TepaiDelivery
import TepaiRender
import TepaiStore

/// One reminder for one channel and event.
public struct ReminderPlan: Sendable {
    public enum Reason: Sendable, Equatable {
        /// The registration deadline is `daysLeft` days away (0 = today); `bucket` is the configured day it falls under.
        case deadline(daysLeft: Int, bucket: Int)
        /// The event is tomorrow.
        case eve
    }

    public var channel: ChannelConfig
    public var entry: Entry
    public var reason: Reason
    public var title: String
    public var parts: [String]
    public var contentLimit: Int
    /// Stable per (channel, event, reminder, day it is about): the same reminder is never queued twice, even
    /// when the job fires again or runs on several replicas.
    public var key: String

    public func messages(now: Date) -> [OutboxMessage] {
        parts.enumerated().map { (i, content) in
            OutboxMessage(idempotencyKey: "\(key):\(i + 1)", channel: channel.name, title: title, content: content,
                          url: entry.url, part: i + 1, parts: parts.count, now: now.timeIntervalSince1970)
        }
    }
}

/// Decides which reminders are due. For deadlines, each configured day (say 3 and 1) is a bucket: a deadline
/// 3 or 2 days away falls under 3, one 1 or 0 days away under 1, and each bucket reminds once. A reminder
/// missed while the daemon was down is still sent while its bucket lasts, never after the deadline.
public struct ReminderPlanner: Sendable {
    public let composer: DigestComposer

    public init(composer: DigestComposer) {
        self.composer = composer
    }

    public func plan(_ job: ScheduleConfig, channel: ChannelConfig, entries: [StoredEntry], now: Date) throws -> [ReminderPlan] {
        let wall = LocalDateTime.from(now, in: composer.timeZone)
        let today = wall.date
        let buckets = job.deadlineDays.sorted()
        var out: [ReminderPlan] = []
        for s in entries where s.entry.kind.isEvent && ChannelRouter.accepts(channel, s.entry) {
            let e = s.entry
            // A deadline given as a bare date lasts the whole day.
            if let deadline = e.deadline, deadline.hour == 0 && deadline.minute == 0 ? deadline.date >= today : deadline > wall {
                let left = deadline.date.dayNumber - today.dayNumber
                if let bucket = buckets.first(where: { $0 >= left }) {
                    out.append(try render(.deadline(daysLeft: left, bucket: bucket), e, channel: channel, today: today,
                                          key: "reminder:\(channel.name):\(e.id):deadline:\(bucket):\(deadline.date)"))
                }
            }
            if job.eveReminder, let day = e.eventDay, day.dayNumber - today.dayNumber == 1 {
                out.append(try render(.eve, e, channel: channel, today: today, key: "reminder:\(channel.name):\(e.id):eve:\(day)"))
            }
        }
        return out
    }

    func render(_ reason: ReminderPlan.Reason, _ e: Entry, channel: ChannelConfig, today: LocalDate, key: String) throws -> ReminderPlan {
        var context = composer.itemContext(e, index: 1, today: today)
        switch reason {
        case .deadline(let left, _):
            context["deadline_reminder"] = true
            context["deadline_today"] = left == 0
            context["days_left"] = left
        case .eve:
            context["eve_reminder"] = true
        }
        let limit = PlatformAdapters.adapter(for: channel).contentLimit
        let (title, parts) = try composer.renderParts(DigestKind.reminders.templateName, channel: channel, context: ["item": context], limit: limit)
        return ReminderPlan(channel: channel, entry: e, reason: reason, title: title, parts: parts, contentLimit: limit, key: key)
    }
}
