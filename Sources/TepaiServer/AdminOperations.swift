import Foundation
import Logging
import TepaiCore
import TepaiDelivery
import TepaiSchedule
import TepaiStore

/// A channel as the admin API and the console show it: keys and secrets masked.
struct ChannelView: Encodable {
    var name: String, platform: String, format: String, url: String, secret: String?, regions: [String], kinds: [String]
    var topics: [String], enabled: Bool

    init(_ c: ChannelConfig) {
        name = c.name
        platform = c.platform.rawValue
        format = c.format
        url = c.platform == .log ? "" : SecretMasker.maskURL(c.url)
        secret = c.secret.map(SecretMasker.mask)
        regions = c.regions
        kinds = c.kinds.map(\.rawValue)
        topics = c.topics
        enabled = c.enabled
    }
}

/// What a test message to a channel did, part by part.
struct TestView: Encodable {
    struct Part: Encodable { var result: String, code: Int, ms: Int }
    var channel: String, ok: Bool, parts: [Part]
}

/// One digest (or reminder) of a schedule for one channel, as it will be sent: every part with its size.
struct PlanView: Encodable {
    var schedule: String, title: String, parts: [PartView]
}

struct PartView: Encodable {
    var bytes: Int, limit: Int, text: String
}

struct AnnouncementView: Encodable {
    var entry: String, queued: Int, channels: [String]
}

/// Why an announcement was refused; nothing was stored.
struct AnnouncementRefusal: Error, CustomStringConvertible {
    var description: String
}

/// The operations behind both front ends, the JSON admin API and the web console, so that each does the
/// same thing whichever way an administrator asks.
extension AdminAPI {
    /// Stores the switch first, so a restart keeps it, then applies it to the running daemon; nil when no
    /// channel has that name.
    func setChannel(_ name: String, enabled: Bool) async throws -> ChannelConfig? {
        guard var channel = live.channels.named(name) else { return nil }
        try await switches.set(name, enabled: enabled)
        live.channels.setEnabled(name, enabled)
        logger.notice("channel switched", metadata: ["channel": "\(name)", "enabled": "\(enabled)"])
        channel.enabled = enabled
        return channel
    }

    /// Sends the test message to the channel now, bypassing the outbox.
    func testChannel(_ channel: ChannelConfig) async -> TestView {
        let attempts = await sender.sendTest(to: channel, timeZone: config.timezone)
        return TestView(channel: channel.name, ok: attempts.allSatisfy(\.outcome.isDelivered), parts: attempts.map { a in
            TestView.Part(result: a.outcome.summary, code: a.outcome.code, ms: Int((a.seconds * 1000).rounded()))
        })
    }

    /// The digests the channel's schedules (or the one named) would send now, rendered and split as the
    /// platform receives them; with `send`, also queued (once per manual period). Nil when no schedule sends
    /// to the channel. `enqueued` counts the messages that were new to the outbox (0 for a preview, and for a
    /// send repeated within the same manual period).
    func digestPlans(for channel: ChannelConfig, schedule only: String?, send: Bool) async throws -> (views: [PlanView], enqueued: Int)? {
        let jobs = DigestJobRunner.jobs(for: channel, in: config.schedules, named: only.map { [$0] } ?? [])
        guard !jobs.isEmpty else { return nil }
        let now = clock.instant()
        let period = digests.manualPeriod(at: now)
        var views: [PlanView] = []
        var enqueued = 0
        for job in jobs {
            let report = send ? try await digests.run(job, now: now, period: period, only: [channel])
                : try await digests.plan(job, now: now, period: period, only: [channel])
            if send { enqueued += report.enqueued }
            views += report.digests.map { p in PlanView(schedule: job.name, title: p.title, parts: p.parts.map { PartView(bytes: $0.utf8.count, limit: p.contentLimit, text: $0) }) }
            views += report.reminders.map { r in PlanView(schedule: job.name, title: r.title, parts: r.parts.map { PartView(bytes: $0.utf8.count, limit: r.contentLimit, text: $0) }) }
        }
        return (views, enqueued)
    }

    /// Stores the entry and queues it for every enabled channel it routes to; refused (and not stored) when
    /// it routes to none.
    func announce(_ entry: Entry) async throws -> Result<AnnouncementView, AnnouncementRefusal> {
        let plans = try announcer.plan(entry)
        guard !plans.isEmpty else {
            return .failure(AnnouncementRefusal(description: "entry \(entry.id) routes to no enabled channel (region \(entry.region.isEmpty ? "全国" : entry.region), kind \(entry.kind.rawValue))"))
        }
        _ = try await store.upsert([entry])
        let queued = try await announcer.enqueue(plans)
        logger.notice("announcement queued", metadata: ["entry": "\(entry.id)", "messages": "\(queued)"])
        return .success(AnnouncementView(entry: entry.id, queued: queued, channels: plans.map(\.channel.name)))
    }
}
