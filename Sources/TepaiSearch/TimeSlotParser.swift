import TepaiCore

/// A span of days a question asks about: 12月, 下个月, 下周, 最近 …
public struct DateRange: Sendable, Equatable, CustomStringConvertible {
    public var from: LocalDate
    public var to: LocalDate
    public var label: String

    public func contains(_ d: LocalDate) -> Bool { from <= d && d <= to }
    public var description: String { "\(label) (\(from)…\(to))" }
}

/// Reads time expressions at a position of a normalised query, relative to today in the configured zone.
struct TimeSlotParser {
    let today: LocalDate

    static let chineseNumbers: [String: Int] = [
        "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
        "十一": 11, "十二": 12, "两": 2,
    ]

    /// Characters a time expression can start with; other positions are skipped without building strings.
    static let starters: Set<Unicode.Scalar> = Set("下这本上最近即马今明后年一二三四五六七八九十两0123456789".unicodeScalars)

    /// Returns the range and how many scalars it consumed, if a time expression starts at `i`.
    func parse(_ q: [Unicode.Scalar], at i: Int) -> (DateRange, Int)? {
        guard Self.starters.contains(q[i]) else { return nil }
        let rest = String(String.UnicodeScalarView(q[i..<min(q.count, i + 4)]))
        let fixed: [(String, () -> DateRange)] = [
            ("下个月", { monthRange(offset: 1, label: "下个月") }), ("下月", { monthRange(offset: 1, label: "下个月") }),
            ("这个月", { monthRange(offset: 0, label: "本月") }), ("本月", { monthRange(offset: 0, label: "本月") }),
            ("这月", { monthRange(offset: 0, label: "本月") }), ("上个月", { monthRange(offset: -1, label: "上个月") }),
            ("上月", { monthRange(offset: -1, label: "上个月") }),
            ("下周", { weekRange(offset: 1, label: "下周") }), ("下星期", { weekRange(offset: 1, label: "下周") }),
            ("下礼拜", { weekRange(offset: 1, label: "下周") }),
            ("本周", { weekRange(offset: 0, label: "本周") }), ("这周", { weekRange(offset: 0, label: "本周") }),
            ("这星期", { weekRange(offset: 0, label: "本周") }),
            ("最近", { DateRange(from: today, to: today.adding(days: 45), label: "近期") }),
            ("近期", { DateRange(from: today, to: today.adding(days: 45), label: "近期") }),
            ("近日", { DateRange(from: today, to: today.adding(days: 20), label: "近期") }),
            ("即将", { DateRange(from: today, to: today.adding(days: 45), label: "近期") }),
            ("马上", { DateRange(from: today, to: today.adding(days: 30), label: "近期") }),
            ("今天", { DateRange(from: today, to: today, label: "今天") }),
            ("明天", { DateRange(from: today.adding(days: 1), to: today.adding(days: 1), label: "明天") }),
            ("后天", { DateRange(from: today.adding(days: 2), to: today.adding(days: 2), label: "后天") }),
            ("年底", { yearEnd() }), ("年前", { yearEnd() }),
        ]
        for (word, make) in fixed where rest.hasPrefix(word) { return (make(), word.unicodeScalars.count) }

        // N月 / N月份 with Arabic or Chinese numerals.
        var j = i
        var month: Int?
        while j < q.count, j - i < 2, (0x30...0x39).contains(q[j].value) { j += 1 }
        if j > i { month = Int(String(String.UnicodeScalarView(q[i..<j]))) } else {
            for len in [2, 1] where i + len <= q.count {
                if let n = Self.chineseNumbers[String(String.UnicodeScalarView(q[i..<(i + len)]))] {
                    month = n
                    j = i + len
                    break
                }
            }
        }
        guard let m = month, (1...12).contains(m), j < q.count, q[j] == "月" else { return nil }
        j += 1
        if j < q.count, q[j] == "份" { j += 1 }
        // The month nearest to today: in November "2月" is next February, "9月" the September just past.
        var year = today.year
        let delta = m - today.month
        if delta < -5 { year += 1 } else if delta > 6 { year -= 1 }
        guard let from = LocalDate(year: year, month: m, day: 1) else { return nil }
        let to = from.adding(days: LocalDate.daysIn(month: m, year: year) - 1)
        return (DateRange(from: from, to: to, label: "\(m)月"), j - i)
    }

    func monthRange(offset: Int, label: String) -> DateRange {
        var y = today.year
        var m = today.month + offset
        while m > 12 { m -= 12; y += 1 }
        while m < 1 { m += 12; y -= 1 }
        let from = LocalDate(year: y, month: m, day: 1) ?? today
        return DateRange(from: from, to: from.adding(days: LocalDate.daysIn(month: m, year: y) - 1), label: label)
    }

    func weekRange(offset: Int, label: String) -> DateRange {
        // Weeks start on Monday in China.
        let mondayOffset = (today.weekday + 6) % 7
        let monday = today.adding(days: -mondayOffset + 7 * offset)
        return DateRange(from: monday, to: monday.adding(days: 6), label: label)
    }

    func yearEnd() -> DateRange {
        DateRange(from: today, to: LocalDate(year: today.year, month: 12, day: 31) ?? today, label: "年底前")
    }
}
