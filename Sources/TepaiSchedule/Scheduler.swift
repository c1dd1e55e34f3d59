import Foundation
import Logging
import ServiceLifecycle
import TepaiCore
import TepaiStore

/// Fires scheduled jobs in the configured zone. Each job remembers the last slot it ran for; after downtime a
/// job that missed slots fires once, for the latest one, not once per missed slot. A job's first start only
/// records the present, so installing tepai never sends a burst of back-dated digests.
public struct Scheduler: Service {
    public let jobs: [ScheduleConfig]
    public let runner: DigestJobRunner
    public let ledger: any DigestLedgerStore
    public let logger: Logger
    public let clock: @Sendable () -> Date
    /// Cron expressions changed in the web console, read at every check so a change applies without a restart.
    public let overrides: (any ScheduleOverrideStore)?
    /// Longest sleep between checks, so that a changed wall clock (or a changed schedule) is noticed.
    public var maxSleep: Double = 60
    /// How long a replica may run one slot before another may take it over (it died mid-run).
    public var slotLease: TimeInterval = 300

    public init(jobs: [ScheduleConfig], runner: DigestJobRunner, ledger: any DigestLedgerStore, logger: Logger,
                clock: @escaping @Sendable () -> Date = { Date() }, overrides: (any ScheduleOverrideStore)? = nil) {
        self.jobs = jobs.filter(\.enabled)
        self.runner = runner
        self.ledger = ledger
        self.logger = logger
        self.clock = clock
        self.overrides = overrides
    }

    /// The jobs with the stored cron overrides laid over them. An override that no longer parses (it was
    /// checked when saved, so only a hand-edited database gets here) is logged and the configured cron kept.
    func effectiveJobs() async throws -> [ScheduleConfig] {
        guard let overrides else { return jobs }
        let stored = try await overrides.all()
        return jobs.map { job in
            guard let text = stored[job.name] else { return job }
            var changed = job
            do { changed.cron = try CronExpression(text) } catch {
                logger.error("stored schedule override ignored", metadata: ["job": "\(job.name)", "error": "\(error)"])
            }
            return changed
        }
    }

    var zone: TimeZone { runner.composer.timeZone }

    /// A stable delay in 0…jitter seconds for a job's slot, the same on every replica and after a restart.
    public static func jitter(job: ScheduleConfig, slot: Date) -> Double {
        guard job.jitterSeconds > 0 else { return 0 }
        var h = FNV1a()
        h.add(job.name)
        h.add(String(Int(slot.timeIntervalSince1970)))
        return Double(h.value % UInt64(job.jitterSeconds + 1))
    }

    /// Runs every job that is due at `now`; returns the (job, slot) pairs it fired.
    @discardableResult
    public func tick(now: Date) async throws -> [(job: String, slot: Date)] {
        var fired: [(String, Date)] = []
        for job in try await effectiveJobs() {
            guard let last = try await ledger.lastSlot(job: job.name) else {
                _ = try await ledger.advance(job: job.name, from: nil, to: now)
                continue
            }
            guard let slot = job.cron.lastFire(after: last, upTo: now, in: zone),
                  now.timeIntervalSince(slot) >= Self.jitter(job: job, slot: slot) else { continue }
            // Replicas sharing a database: one of them runs the slot, the others wait for it to advance.
            guard try await ledger.claimSlot(job: job.name, slot: slot, now: now, lease: slotLease) else { continue }
            do {
                _ = try await runner.run(job, now: now, period: runner.period(for: slot))
            } catch {
                // A broken job must not stop the others; it is tried again at the next check.
                logger.error("schedule failed", metadata: ["job": "\(job.name)", "error": "\(error)"])
                continue
            }
            if try await ledger.advance(job: job.name, from: last, to: slot) { fired.append((job.name, slot)) }
        }
        return fired
    }

    /// Seconds until the next job is due (at most `maxSleep`).
    func secondsToNext(now: Date) async throws -> Double {
        var soonest = maxSleep
        for job in try await effectiveJobs() {
            let last = try await ledger.lastSlot(job: job.name) ?? now
            guard let next = job.cron.nextFire(after: last, in: zone) else { continue }
            let delta = next.timeIntervalSince(now) + Self.jitter(job: job, slot: next)
            // Due but not fired means the run failed: try again in a while, not in a tight loop.
            soonest = min(soonest, delta > 0 ? delta : 30)
        }
        return max(0.2, soonest)
    }

    public func run() async throws {
        logger.info("scheduler started", metadata: ["jobs": "\(jobs.map(\.name).joined(separator: ","))", "timezone": "\(zone.identifier)"])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var wait = maxSleep
            do {
                let now = clock()
                try await tick(now: now)
                wait = try await secondsToNext(now: clock())
            } catch {
                logger.error("scheduler check failed", metadata: ["error": "\(error)"])
            }
            let pause = Duration.milliseconds(Int(wait * 1000))
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                break
            }
        }
        logger.info("scheduler stopped")
    }
}
