import Foundation
import Logging
import Testing
import TepaiCore
import TepaiStore
@testable import TepaiSchedule

/// A cron expression changed in the web console (stored in `schedule_overrides`) is what the running
/// scheduler fires on, from the moment of the change, and survives a new scheduler on the same database.
@Suite struct ScheduleOverrideTests {
    let channel = ChannelConfig(name: "city", platform: .log, regions: ["*"])

    func scheduler(_ store: SQLiteStore, jobs: [ScheduleConfig]) throws -> Scheduler {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return Scheduler(jobs: jobs, runner: try runner(store, channels: [channel]), ledger: DigestLedger(store: store), logger: logger,
                         overrides: ScheduleOverrides(store: store))
    }

    @Test func theRunningSchedulerFiresOnTheStoredCronFromTheChange() async throws {
        let store = try freshStore()
        let weekly = ScheduleConfig(name: "weekly", digest: .policy, cron: try CronExpression("0 9 * * MON"), sendEmpty: true)
        let s = try scheduler(store, jobs: [weekly])
        #expect(try await s.tick(now: at("2026-11-23T08:00")).isEmpty)  // Monday: first start records the present
        // Changed on Monday 08:30 to Tuesdays and Thursdays 08:30: the Monday 09:00 slot no longer fires.
        try await ScheduleOverrides(store: store).set(job: "weekly", cron: "30 8 * * TUE,THU", now: at("2026-11-23T08:30"))
        #expect(try await s.tick(now: at("2026-11-23T09:05")).isEmpty)
        let fired = try await s.tick(now: at("2026-11-24T08:31"))
        #expect(fired.map(\.slot) == [at("2026-11-24T08:30")])
        // A scheduler started afresh on the same database (a restart) keeps the change.
        let restarted = try scheduler(store, jobs: [weekly])
        #expect(try await restarted.tick(now: at("2026-11-26T08:30")).map(\.slot) == [at("2026-11-26T08:30")])
        // Removing the override goes back to the configured cron.
        try await ScheduleOverrides(store: store).remove(job: "weekly")
        #expect(try await restarted.tick(now: at("2026-11-27T08:30")).isEmpty)
        #expect(try await restarted.tick(now: at("2026-11-30T09:00")).map(\.slot) == [at("2026-11-30T09:00")])
    }

    @Test func aChangeDoesNotFireSlotsThatLieBeforeIt() async throws {
        let store = try freshStore()
        let daily = ScheduleConfig(name: "daily", digest: .policy, cron: try CronExpression("0 18 * * *"), sendEmpty: true)
        let s = try scheduler(store, jobs: [daily])
        _ = try await s.tick(now: at("2026-11-23T08:00"))
        // At 10:00 the job is moved to 07:00 daily: today's 07:00 is in the past and is not a "missed" run.
        try await ScheduleOverrides(store: store).set(job: "daily", cron: "0 7 * * *", now: at("2026-11-23T10:00"))
        #expect(try await s.tick(now: at("2026-11-23T10:01")).isEmpty)
        #expect(try await s.tick(now: at("2026-11-24T07:00")).count == 1)
    }
}
