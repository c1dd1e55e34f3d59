import Foundation
import Logging
import TepaiCore
import TepaiStore

/// What one run of a job produced for its channels.
public struct DigestRunReport: Sendable {
    public var digests: [DigestPlan] = []
    public var reminders: [ReminderPlan] = []
    /// Outbox messages newly queued by this run (0 when the period was sent before).
    public var enqueued = 0
    /// Round-ups skipped because they had nothing new (and the job does not send empty ones).
    public var skippedEmpty: [String] = []
}

/// Runs one slot of one scheduled job: composes each target channel's round-up (or reminders) and commits it
/// with its outbox messages. Safe to run twice for the same period: the ledger keeps the first.
public struct DigestJobRunner: Sendable {
    /// Replaced on reload (SIGHUP): a run takes the current one when it starts.
    public let composers: Live<DigestComposer>
    public let ledger: any DigestLedgerStore
    public let channels: ChannelDirectory
    public let logger: Logger

    public init(composer: Live<DigestComposer>, ledger: any DigestLedgerStore, channels: ChannelDirectory, logger: Logger) {
        composers = composer
        self.ledger = ledger
        self.channels = channels
        self.logger = logger
    }

    public var composer: DigestComposer { composers.value }

    /// The period a slot stands for, in wall time of the configured zone: "2026-11-23T09:00".
    public func period(for slot: Date) -> String {
        let t = LocalDateTime.from(slot, in: composer.timeZone)
        return "\(t.date)T\(t.clockText)"
    }

    /// The period of a run asked for by hand (CLI, admin API): its own, so it never collides with a scheduled one.
    public func manualPeriod(at now: Date) -> String { "manual-" + period(for: now) }

    /// The jobs that send to `channel`, restricted to the named ones when any are given.
    public static func jobs(for channel: ChannelConfig, in schedules: [ScheduleConfig], named: [String] = []) -> [ScheduleConfig] {
        schedules.filter { (named.isEmpty || named.contains($0.name)) && !$0.targets(in: [channel]).isEmpty }
    }

    /// What the job would send now to `only` (or all its) channels, without writing anything. Reminders
    /// already queued are left out.
    public func plan(_ job: ScheduleConfig, now: Date, period: String, only: [ChannelConfig]? = nil) async throws -> DigestRunReport {
        let composer = self.composer
        let targets = only ?? job.targets(in: channels.all)
        let entries = try await ledger.storedEntries(kinds: job.digest.entryKinds)
        var report = DigestRunReport()
        for channel in targets {
            if job.digest == .reminders {
                let due = try ReminderPlanner(composer: composer).plan(job, channel: channel, entries: entries, now: now)
                let queued = Set(try await ledger.outbox.messages(keys: due.map { "\($0.key):1" }).map(\.idempotencyKey))
                report.reminders += due.filter { !queued.contains("\($0.key):1") }
                continue
            }
            let carried = try await ledger.carried(channel: channel.name, digest: job.digest.rawValue)
            let first = try await ledger.firstRun(channel: channel.name, digest: job.digest.rawValue)
            let plan = try composer.compose(job, channel: channel, entries: entries, carried: carried, firstRun: first, now: now, period: period)
            if plan.parts.isEmpty { report.skippedEmpty.append(channel.name) } else { report.digests.append(plan) }
        }
        return report
    }

    /// Plans and commits: each round-up with its items and messages in one transaction, reminders by key.
    public func run(_ job: ScheduleConfig, now: Date, period: String, only: [ChannelConfig]? = nil) async throws -> DigestRunReport {
        var report = try await plan(job, now: now, period: period, only: only)
        for plan in report.digests where try await ledger.commit(plan.commit(now: now), now: now) {
            report.enqueued += plan.parts.count
        }
        report.enqueued += try await ledger.outbox.enqueue(report.reminders.flatMap { $0.messages(now: now) })
        logger.info("schedule ran", metadata: [
            "job": "\(job.name)", "period": "\(period)", "digests": "\(report.digests.count)",
            "reminders": "\(report.reminders.count)", "queued": "\(report.enqueued)", "empty": "\(report.skippedEmpty.count)",
        ])
        return report
    }
}
