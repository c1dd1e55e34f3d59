import Foundation

/// A calendar day with no time zone attached; it is read in the configured zone (Asia/Shanghai).
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2999).contains(year), (1...12).contains(month),
              (1...LocalDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` strictly (zero-padded, a real day).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (proleptic Gregorian), for arithmetic without Foundation calendars.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// 0 = Sunday … 6 = Saturday, as in cron.
    public var weekday: Int { ((dayNumber % 7) + 11) % 7 }

    public var description: String { "\(year)-\(Self.pad2(month))-\(Self.pad2(day))" }

    static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.dayNumber < b.dayNumber }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = LocalDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD date: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A wall-clock moment in the configured zone: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS`
/// (a space may stand for the `T`). A bare date means midnight.
public struct LocalDateTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let date: LocalDate
    public let hour: Int
    public let minute: Int
    public let second: Int

    public init?(date: LocalDate, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
        self.init(checked: date, hour: hour, minute: minute, second: second)
    }

    /// For callers that computed the fields from arithmetic that keeps them in range.
    init(checked date: LocalDate, hour: Int, minute: Int, second: Int) {
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let pieces = trimmed.split(maxSplits: 1, whereSeparator: { $0 == "T" || $0 == " " })
        guard let first = pieces.first, let day = LocalDate(String(first)) else { return nil }
        if pieces.count == 1 {
            self.init(checked: day, hour: 0, minute: 0, second: 0)
            return
        }
        let clock = pieces[1].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 2 || clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
              let h = Int(clock[0]), let m = Int(clock[1]) else { return nil }
        let s = clock.count == 3 ? Int(clock[2]) : 0
        guard let s else { return nil }
        self.init(date: day, hour: h, minute: m, second: s)
    }

    /// Seconds since 1970-01-01 00:00 of the same wall clock (not an instant: add the zone offset for that).
    public var wallSeconds: Int { date.dayNumber * 86400 + hour * 3600 + minute * 60 + second }

    public var description: String {
        second == 0 ? "\(date)T\(clockText)" : "\(date)T\(clockText):\(LocalDate.pad2(second))"
    }

    /// `HH:MM`, for replies.
    public var clockText: String { "\(LocalDate.pad2(hour)):\(LocalDate.pad2(minute))" }

    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool { a.wallSeconds < b.wallSeconds }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = LocalDateTime(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date-time: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// The time source. Everything that depends on "now" asks a clock, so `--now` can pin it.
public struct TepaiClock: Sendable {
    public let timeZone: TimeZone
    private let pinned: LocalDateTime?

    public init(timeZone: TimeZone, pinned: LocalDateTime? = nil) {
        self.timeZone = timeZone
        self.pinned = pinned
    }

    /// The current wall-clock time in the configured zone (never `TimeZone.current`, which is UTC here).
    public func now() -> LocalDateTime {
        if let pinned { return pinned }
        return LocalDateTime.from(Date(), in: timeZone)
    }

    public func today() -> LocalDate { now().date }

    /// The current instant; a pinned clock names its wall time in the configured zone.
    public func instant() -> Date {
        if let pinned { return pinned.instant(in: timeZone) }
        return Date()
    }

}

extension LocalDateTime {
    public static func from(_ instant: Date, in zone: TimeZone) -> LocalDateTime {
        let shifted = Int(instant.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: instant)
        let days = Int((Double(shifted) / 86400).rounded(.down))
        let rest = shifted - days * 86400
        // Both initialisers are total for these ranges.
        let date = LocalDate(dayNumber: days)
        return LocalDateTime(checked: date, hour: rest / 3600, minute: (rest % 3600) / 60, second: rest % 60)
    }
}
