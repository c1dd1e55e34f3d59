import Testing
import TepaiCore

@Suite struct LocalDateTests {
    @Test func parsesRealDaysOnly() {
        #expect(LocalDate("2026-11-23")?.description == "2026-11-23")
        #expect(LocalDate("2028-02-29") != nil)
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("2026-13-01") == nil)
        #expect(LocalDate("2026-1-01") == nil)
        #expect(LocalDate("26-11-23") == nil)
    }

    @Test func dayNumbersRoundTripAndWeekdays() throws {
        let d = try #require(LocalDate("2026-11-23"))
        #expect(LocalDate(dayNumber: d.dayNumber) == d)
        #expect(d.weekday == 1)  // a Monday
        #expect(d.adding(days: 38).description == "2026-12-31")
        #expect(d.adding(days: 39).description == "2027-01-01")
        #expect(LocalDate(dayNumber: 0).description == "1970-01-01")
    }

    @Test func dateTimesAcceptTheSchemaForms() {
        #expect(LocalDateTime("2026-12-08T09:30")?.description == "2026-12-08T09:30")
        #expect(LocalDateTime("2026-12-08 09:30")?.clockText == "09:30")
        #expect(LocalDateTime("2026-12-08")?.hour == 0)
        #expect(LocalDateTime("2026-12-08T25:00") == nil)
        #expect(LocalDateTime("2026-12-08T9:30") == nil)
    }

    @Test func clockUsesTheConfiguredZoneNotTheMachines() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        // 2026-11-23 17:00 UTC is already the 24th in Shanghai.
        let instant = Date(timeIntervalSince1970: 1_795_453_200)
        let local = LocalDateTime.from(instant, in: zone)
        #expect(local.description == "2026-11-24T01:00")
        let pinned = TepaiClock(timeZone: zone, pinned: LocalDateTime("2026-11-23T08:00"))
        #expect(pinned.today().description == "2026-11-23")
    }
}

import Foundation
