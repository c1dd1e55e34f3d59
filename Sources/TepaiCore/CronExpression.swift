import Foundation

/// Why a cron expression was refused, naming the field an administrator must fix.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    public var expression: String
    public var reason: String
    public var description: String { "cron \"\(expression)\": \(reason)" }
}

/// A standard five-field cron expression (minute hour day-of-month month day-of-week) with ranges, steps,
/// lists and names (JAN–DEC, SUN–SAT, 7 = Sunday), plus @hourly, @daily, @weekly, @monthly and @yearly.
/// It is read in wall-clock time of a given zone: 0 9 * * MON is nine in the morning in Asia/Shanghai, never
/// the machine's zone. As in Vixie cron, when both day fields are restricted a day matching either one fires.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    public let source: String
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    static let macros = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]
    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    public init(_ text: String) throws(CronError) {
        source = text.trimmingCharacters(in: .whitespaces)
        let expanded = Self.macros[source.lowercased()] ?? source
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronError(expression: source, reason: "needs five fields (minute hour day month weekday), found \(fields.count); for example \"0 9 * * MON\"")
        }
        let source = self.source
        func field(_ i: Int, _ name: String, _ range: ClosedRange<Int>, names: [String] = [], base: Int = 0) throws(CronError) -> Set<Int> {
            do { return try Self.parseField(fields[i], range: range, names: names, nameBase: base) } catch let reason {
                throw CronError(expression: source, reason: "\(name) field \"\(fields[i])\": \(reason.text)")
            }
        }
        minutes = try field(0, "minute", 0...59)
        hours = try field(1, "hour", 0...23)
        daysOfMonth = try field(2, "day-of-month", 1...31)
        months = try field(3, "month", 1...12, names: Self.monthNames, base: 1)
        var dow = try field(4, "day-of-week", 0...7, names: Self.dayNames)
        if dow.remove(7) != nil { dow.insert(0) }
        daysOfWeek = dow
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
        let (m, d) = (months, daysOfMonth)
        if !m.contains(where: { month in d.contains { $0 <= Self.maxDays(inMonth: month) } }) && !dayOfWeekRestricted {
            throw CronError(expression: source, reason: "no month in the month field has such a day, so it never fires")
        }
    }

    public var description: String { source }

    struct FieldError: Error { var text: String }

    static func parseField(_ text: String, range: ClosedRange<Int>, names: [String], nameBase: Int) throws(FieldError) -> Set<Int> {
        var out = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw FieldError(text: "empty item in the list") }
            let stepParts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard stepParts.count <= 2 else { throw FieldError(text: "more than one \"/\"") }
            var step = 1
            if stepParts.count == 2 {
                guard let s = Int(stepParts[1]), s > 0 else { throw FieldError(text: "step \"\(stepParts[1])\" must be a positive whole number") }
                step = s
            }
            let span = stepParts[0]
            var low = range.lowerBound
            var high = range.upperBound
            if span != "*" {
                let bounds = span.split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2 else { throw FieldError(text: "\"\(span)\" is not a value or a range a-b") }
                low = try value(String(bounds[0]), range: range, names: names, nameBase: nameBase)
                if bounds.count == 2 {
                    high = try value(String(bounds[1]), range: range, names: names, nameBase: nameBase)
                } else if stepParts.count == 1 {
                    high = low
                }
                guard low <= high else { throw FieldError(text: "range \(span) runs backwards") }
            }
            out.formUnion(stride(from: low, through: high, by: step))
        }
        return out
    }

    static func value(_ text: String, range: ClosedRange<Int>, names: [String], nameBase: Int) throws(FieldError) -> Int {
        if let index = names.firstIndex(of: text.uppercased()) { return index + nameBase }
        guard let n = Int(text) else {
            throw FieldError(text: names.isEmpty ? "\"\(text)\" is not a number" : "\"\(text)\" is not a number or one of \(names.joined(separator: " "))")
        }
        guard range.contains(n) else { throw FieldError(text: "\(n) is outside \(range.lowerBound)–\(range.upperBound)") }
        return n
    }

    static func maxDays(inMonth m: Int) -> Int { m == 2 ? 29 : [4, 6, 9, 11].contains(m) ? 30 : 31 }

    func matches(day: LocalDate) -> Bool {
        guard months.contains(day.month) else { return false }
        let dom = daysOfMonth.contains(day.day)
        let dow = daysOfWeek.contains(day.weekday)
        if dayOfMonthRestricted && dayOfWeekRestricted { return dom || dow }
        return dom && dow
    }

    /// The first wall-clock minute strictly after `time` that matches, or nil if none within eight years
    /// (30 February never comes).
    public func next(after time: LocalDateTime) -> LocalDateTime? {
        let sortedHours = hours.sorted()
        let sortedMinutes = minutes.sorted()
        var day = time.date
        // Later the same day first, then whole days.
        if matches(day: day) {
            for h in sortedHours where h >= time.hour {
                for m in sortedMinutes where h > time.hour || m > time.minute {
                    return LocalDateTime(checked: day, hour: h, minute: m, second: 0)
                }
            }
        }
        guard let firstHour = sortedHours.first, let firstMinute = sortedMinutes.first else { return nil }
        for _ in 0..<(366 * 8) {
            day = day.adding(days: 1)
            if matches(day: day) { return LocalDateTime(checked: day, hour: firstHour, minute: firstMinute, second: 0) }
        }
        return nil
    }

    /// The first instant strictly after `instant` at which the expression fires in `zone`. A wall time that a
    /// daylight-saving change skips fires at the change; one that occurs twice fires at its first occurrence.
    public func nextFire(after instant: Date, in zone: TimeZone) -> Date? {
        var wall = LocalDateTime.from(instant, in: zone)
        for _ in 0..<4 {
            guard let candidate = next(after: wall) else { return nil }
            let fire = candidate.instant(in: zone)
            if fire > instant { return fire }
            // The candidate maps to an instant not after ours (a repeated hour): look past it.
            wall = candidate
        }
        return nil
    }

    /// The last fire time in (`after`, `upTo`], the one slot a job that missed several runs fires for.
    public func lastFire(after: Date, upTo: Date, in zone: TimeZone) -> Date? {
        var last: Date?
        var cursor = after
        // Bounded: a minutely job down for a year is about half a million steps; stop well before that.
        for _ in 0..<600_000 {
            guard let fire = nextFire(after: cursor, in: zone), fire <= upTo else { break }
            last = fire
            cursor = fire
        }
        return last
    }
}

extension LocalDateTime {
    /// The instant this wall-clock time names in `zone`: the first occurrence when a daylight-saving change
    /// repeats it, and the moment of the change when the change skips it.
    public func instant(in zone: TimeZone) -> Date {
        let wall = Double(wallSeconds)
        let offsets = Set([-86400.0, 0, 86400].map { zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall + $0)) })
        let valid = offsets.map { wall - Double($0) }.filter { zone.secondsFromGMT(for: Date(timeIntervalSince1970: $0)) == Int(wall - $0) }
        if let first = valid.min() { return Date(timeIntervalSince1970: first) }
        // Skipped by a change: fire at the change itself.
        let before = Date(timeIntervalSince1970: wall - Double(offsets.max() ?? 0) - 86400)
        return zone.nextDaylightSavingTimeTransition(after: before) ?? Date(timeIntervalSince1970: wall - Double(offsets.min() ?? 0))
    }
}
