import Foundation
import Testing
import TepaiCore

@Suite struct CronExpressionTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    let newYork = TimeZone(identifier: "America/New_York")!

    func wall(_ s: String) -> LocalDateTime { LocalDateTime(s)! }

    /// Instants written in UTC, independently of the code under test.
    func utc(_ s: String) -> Date {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: s)!
    }

    func nextWalls(_ expression: String, after start: String, count: Int) throws -> [String] {
        let cron = try CronExpression(expression)
        var t = wall(start)
        var out: [String] = []
        for _ in 0..<count {
            guard let n = cron.next(after: t) else { break }
            out.append(n.description)
            t = n
        }
        return out
    }

    @Test func stepsRangesListsAndNames() throws {
        #expect(try nextWalls("*/20 9-10 * * *", after: "2026-11-23T09:30", count: 4)
                == ["2026-11-23T09:40", "2026-11-23T10:00", "2026-11-23T10:20", "2026-11-23T10:40"])
        #expect(try nextWalls("0 9 * * MON,wed", after: "2026-11-23T09:00", count: 3)
                == ["2026-11-25T09:00", "2026-11-30T09:00", "2026-12-02T09:00"])
        #expect(try nextWalls("30 8 * JAN-MAR/2 SUN", after: "2026-12-31T00:00", count: 2)
                == ["2027-01-03T08:30", "2027-01-10T08:30"])
        // 7 is Sunday too; @weekly is Sunday midnight.
        #expect(try nextWalls("0 0 * * 7", after: "2026-11-23T00:00", count: 1) == ["2026-11-29T00:00"])
        #expect(try nextWalls("@weekly", after: "2026-11-23T00:00", count: 1) == ["2026-11-29T00:00"])
        // Both day fields restricted: either one matches (the 1st, or any Friday).
        #expect(try nextWalls("0 12 1 * FRI", after: "2026-11-26T13:00", count: 3)
                == ["2026-11-27T12:00", "2026-12-01T12:00", "2026-12-04T12:00"])
    }

    @Test func monthEndsAndLeapDays() throws {
        // The 31st skips the months that do not have one.
        #expect(try nextWalls("0 0 31 * *", after: "2026-01-31T00:00", count: 3)
                == ["2026-03-31T00:00", "2026-05-31T00:00", "2026-07-31T00:00"])
        // The last minute of a month, then the first minute of the next, crossing the year.
        #expect(try nextWalls("59 23 28-31 12 *", after: "2026-12-30T23:59", count: 2)
                == ["2026-12-31T23:59", "2027-12-28T23:59"])
        #expect(try nextWalls("0 0 1 * *", after: "2026-12-31T23:59", count: 1) == ["2027-01-01T00:00"])
        // 29 February waits for the next leap year; 2100 is not one.
        #expect(try nextWalls("0 9 29 2 *", after: "2026-03-01T00:00", count: 2) == ["2028-02-29T09:00", "2032-02-29T09:00"])
        #expect(try nextWalls("0 9 29 2 *", after: "2096-03-01T00:00", count: 1) == ["2104-02-29T09:00"])
        #expect(try nextWalls("0 9 28 2 *", after: "2028-02-28T09:00", count: 1) == ["2029-02-28T09:00"])
    }

    @Test func shanghaiHasNoDaylightSavingButNewYorkDoes() throws {
        let nine = try CronExpression("0 9 * * *")
        // Asia/Shanghai is UTC+8 all year: 09:00 there is 01:00 UTC in January and in July.
        #expect(nine.nextFire(after: utc("2026-01-15T12:00:00Z"), in: shanghai) == utc("2026-01-16T01:00:00Z"))
        #expect(nine.nextFire(after: utc("2026-07-15T12:00:00Z"), in: shanghai) == utc("2026-07-16T01:00:00Z"))
        // New York: 14:00 UTC in winter, 13:00 UTC in summer; the day after the change moves with it.
        #expect(nine.nextFire(after: utc("2026-03-07T15:00:00Z"), in: newYork) == utc("2026-03-08T13:00:00Z"))
        #expect(nine.nextFire(after: utc("2026-10-31T14:00:00Z"), in: newYork) == utc("2026-11-01T14:00:00Z"))
    }

    @Test func skippedAndRepeatedHoursFireOnce() throws {
        let twoThirty = try CronExpression("30 2 * * *")
        // 2026-03-08 02:30 does not exist in New York (02:00 → 03:00): it fires at the change, 07:00 UTC.
        #expect(twoThirty.nextFire(after: utc("2026-03-08T05:00:00Z"), in: newYork) == utc("2026-03-08T07:00:00Z"))
        // 2026-11-01 01:30 happens twice; the job fires at the first (05:30 UTC) and not at the second.
        let oneThirty = try CronExpression("30 1 * * *")
        let first = try #require(oneThirty.nextFire(after: utc("2026-11-01T04:00:00Z"), in: newYork))
        #expect(first == utc("2026-11-01T05:30:00Z"))
        #expect(oneThirty.nextFire(after: first, in: newYork) == utc("2026-11-02T06:30:00Z"))
    }

    @Test func lastFireIsTheOneSlotAMissedJobRunsFor() throws {
        let daily = try CronExpression("0 9 * * *")
        // Down from Friday 08:00 to Monday 11:00 Shanghai time: three slots missed, the latest is Monday 09:00.
        let fire = daily.lastFire(after: utc("2026-11-20T00:00:00Z"), upTo: utc("2026-11-23T03:00:00Z"), in: shanghai)
        #expect(fire == utc("2026-11-23T01:00:00Z"))
        #expect(daily.lastFire(after: utc("2026-11-23T01:00:00Z"), upTo: utc("2026-11-23T03:00:00Z"), in: shanghai) == nil)
    }

    @Test func badExpressionsNameTheField() {
        func reason(_ s: String) -> String {
            do { _ = try CronExpression(s); return "accepted" } catch { return error.description }
        }
        #expect(reason("0 9 * *").contains("five fields"))
        #expect(reason("60 9 * * *").contains("minute field \"60\""))
        #expect(reason("0 24 * * *").contains("hour field"))
        #expect(reason("0 9 * * FUN").contains("day-of-week field \"FUN\""))
        #expect(reason("0 9 * 13 *").contains("month field"))
        #expect(reason("*/0 9 * * *").contains("step"))
        #expect(reason("0 9 10-5 * *").contains("backwards"))
        #expect(reason("0 9 30 2 *").contains("never fires"))
        #expect(reason("0 9 1,,2 * *").contains("empty item"))
    }
}
