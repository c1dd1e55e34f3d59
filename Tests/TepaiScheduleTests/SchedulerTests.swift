import Foundation
import Logging
import Testing
import TepaiCore
import TepaiRender
import TepaiStore
@testable import TepaiSchedule

@Suite struct SchedulerTests {
    let channel = ChannelConfig(name: "city", platform: .log, regions: ["*"])

    func scheduler(_ store: SQLiteStore, jobs: [ScheduleConfig]) throws -> Scheduler {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return Scheduler(jobs: jobs, runner: try runner(store, channels: [channel]), ledger: DigestLedger(store: store), logger: logger)
    }

    @Test func aMissedScheduleFiresOnceAfterDowntime() async throws {
        let store = try freshStore()
        _ = try await store.upsert([event("soon", day: "2026-12-01")])
        let daily = ScheduleConfig(name: "daily-trainings", digest: .trainings, cron: try CronExpression("0 9 * * *"))
        let s = try scheduler(store, jobs: [daily])

        // First start, Friday 08:00: records the present, sends nothing.
        #expect(try await s.tick(now: at("2026-11-20T08:00")).isEmpty)
        // Down until Monday 11:00: the Friday, Saturday, Sunday and Monday 09:00 slots were missed. One run.
        let fired = try await s.tick(now: at("2026-11-23T11:00"))
        #expect(fired.count == 1)
        #expect(fired.first?.slot == at("2026-11-23T09:00"))
        let pending = try await SQLiteOutbox(store: store).counts()[.pending] ?? 0
        #expect(pending == 1)
        // Checking again the same morning fires nothing; the next slot is Tuesday 09:00.
        #expect(try await s.tick(now: at("2026-11-23T11:01")).isEmpty)
        #expect(try await s.tick(now: at("2026-11-24T08:59")).isEmpty)
        #expect(try await s.tick(now: at("2026-11-24T09:00")).count == 1)
    }

    @Test func jitterIsStableAndBounded() throws {
        var job = ScheduleConfig(name: "weekly", digest: .policy, cron: try CronExpression("0 9 * * MON"), jitterSeconds: 120)
        let slots = (0..<50).map { at("2026-11-23T09:00").addingTimeInterval(Double($0) * 7 * 86400) }
        let delays = slots.map { Scheduler.jitter(job: job, slot: $0) }
        #expect(delays.allSatisfy { (0...120).contains($0) })
        #expect(Set(delays).count > 10)  // spread, not one value
        #expect(delays == slots.map { Scheduler.jitter(job: job, slot: $0) })
        job.jitterSeconds = 0
        #expect(Scheduler.jitter(job: job, slot: slots[0]) == 0)
    }

    @Test func aJobWaitsForItsJitter() async throws {
        let store = try freshStore()
        let job = ScheduleConfig(name: "j", digest: .policy, cron: try CronExpression("0 9 * * *"), jitterSeconds: 300, sendEmpty: true)
        let s = try scheduler(store, jobs: [job])
        _ = try await s.tick(now: at("2026-11-22T12:00"))
        let slot = at("2026-11-23T09:00")
        let delay = Scheduler.jitter(job: job, slot: slot)
        if delay > 0 { #expect(try await s.tick(now: slot.addingTimeInterval(delay - 1)).isEmpty) }
        #expect(try await s.tick(now: slot.addingTimeInterval(delay)).count == 1)
    }

    @Test func remindersComeOncePerBucketAndOnTheEve() async throws {
        let store = try freshStore()
        _ = try await store.upsert([event("fair", kind: .matching, day: "2026-12-04", deadline: "2026-12-01")])
        let r = try runner(store, channels: [channel])
        let reminders = ScheduleConfig(name: "reminders", digest: .reminders, cron: try CronExpression("0 9 * * *"), deadlineDays: [3, 1])
        func run(_ day: String) async throws -> [String] {
            try await r.run(reminders, now: at(day + "T09:00"), period: day).reminders.map(\.key)
        }
        #expect(try await run("2026-11-27").isEmpty)                                      // 4 days before: none
        #expect(try await run("2026-11-28") == ["reminder:city:fair:deadline:3:2026-12-01"])  // 3 days
        #expect(try await run("2026-11-29").isEmpty)                                      // 2 days: same bucket, sent
        #expect(try await run("2026-11-30") == ["reminder:city:fair:deadline:1:2026-12-01"])  // 1 day
        #expect(try await run("2026-12-01").isEmpty)                                      // deadline day: bucket 1, sent
        #expect(try await run("2026-12-03") == ["reminder:city:fair:eve:2026-12-04"])         // the eve
        #expect(try await run("2026-12-04").isEmpty)
        let texts = try await SQLiteOutbox(store: store).counts()[.pending] ?? 0
        #expect(texts == 3)
    }

    @Test func aBrokenOverrideTemplateIsRefusedWithItsFileAndLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-override-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("digest-policy.mustache")
        try "本周政策\n{{#items}}\n{{{title}}\n{{/items}}\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try TemplateSet(directory: repositoryRoot.appendingPathComponent("Templates").path, overrides: dir.path)
            Issue.record("a broken template was accepted")
        } catch let e as TemplateError {
            #expect(e.file == file.path)
            #expect(e.line == 3)
        }
    }
}
