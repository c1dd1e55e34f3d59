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
        "十一": 11, "十二": 12, "两": 2, "十三": 13, "十四": 14, "十五": 15, "十六": 16, "十七": 17, "十八": 18,
        "十九": 19, "二十": 20, "二十一": 21, "二十二": 22, "二十三": 23, "二十四": 24, "二十五": 25, "二十六": 26,
        "二十七": 27, "二十八": 28, "二十九": 29, "三十": 30, "三十一": 31,
    ]

    /// Characters a time expression can start with; other positions are skipped without building strings.
    static let starters: Set<Unicode.Scalar> = Set("下这本上最近即马今明后年一二三四五六七八九十两0123456789周星礼元春月".unicodeScalars)

    /// 春节 (the lunar new year) moves: its dates for the years a bureau plans around. Past the table, 春节前 and
    /// 春节后 are not read as times.
    static let springFestivals: [(year: Int, month: Int, day: Int)] = [
        (2026, 2, 17), (2027, 2, 6), (2028, 1, 26), (2029, 2, 13), (2030, 2, 3), (2031, 1, 23), (2032, 2, 11),
    ]
    static let weekdays: [Character: Int] = ["一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 0, "天": 0]

    /// Returns the range and how many scalars it consumed, if a time expression starts at `i`.
    func parse(_ q: [Unicode.Scalar], at i: Int) -> (DateRange, Int)? {
        guard Self.starters.contains(q[i]) else { return nil }
        let rest = String(String.UnicodeScalarView(q[i..<min(q.count, i + 4)]))
        // 明年2月 / 今年12月: the year, then the month that follows.
        if rest.hasPrefix("明年") || rest.hasPrefix("今年"), let (month, used) = monthAndDay(q, at: i + 2, year: today.year + (rest.hasPrefix("明年") ? 1 : 0)) {
            return (month, used + 2)
        }
        // 周五 / 星期五 / 礼拜五 (this week's, or next week's once it has passed); 下周五 next week's.
        for (prefix, weekOffset) in [("下周", 1), ("下星期", 1), ("下礼拜", 1), ("周", 0), ("星期", 0), ("礼拜", 0)] where rest.hasPrefix(prefix) {
            let after = rest.dropFirst(prefix.count)
            guard let c = after.first, let wd = Self.weekdays[c] else { continue }
            let mondayOffset = (today.weekday + 6) % 7
            let monday = today.adding(days: -mondayOffset + 7 * weekOffset)
            var day = monday.adding(days: (wd + 6) % 7)
            if weekOffset == 0 && day < today { day = day.adding(days: 7) }
            return (DateRange(from: day, to: day, label: prefix + String(c)), prefix.count + 1)
        }
        let fixed: [(String, () -> DateRange?)] = [
            ("下下个月", { monthRange(offset: 2, label: "下下个月") }), ("下下月", { monthRange(offset: 2, label: "下下个月") }),
            ("下下周", { weekRange(offset: 2, label: "下下周") }), ("下下星期", { weekRange(offset: 2, label: "下下周") }),
            ("元旦前", { newYear().map { DateRange(from: today, to: $0.adding(days: -1), label: "元旦前") } }),
            ("元旦后", { newYear().map { DateRange(from: $0, to: $0.adding(days: 30), label: "元旦后") } }),
            ("元旦", { newYear().map { DateRange(from: $0.adding(days: -2), to: $0.adding(days: 2), label: "元旦") } }),
            ("春节前", { springFestival().map { DateRange(from: today, to: $0.adding(days: -1), label: "春节前") } }),
            ("春节后", { springFestival().map { DateRange(from: $0, to: $0.adding(days: 30), label: "春节后") } }),
            ("春节", { springFestival().map { DateRange(from: $0.adding(days: -3), to: $0.adding(days: 6), label: "春节") } }),
            ("下个月", { monthRange(offset: 1, label: "下个月") }), ("下月", { monthRange(offset: 1, label: "下个月") }),
            ("这个月", { monthRange(offset: 0, label: "本月") }), ("本月", { monthRange(offset: 0, label: "本月") }),
            ("这月", { monthRange(offset: 0, label: "本月") }), ("上个月", { monthRange(offset: -1, label: "上个月") }),
            ("上月", { monthRange(offset: -1, label: "上个月") }),
            ("下周", { weekRange(offset: 1, label: "下周") }), ("下星期", { weekRange(offset: 1, label: "下周") }),
            ("下礼拜", { weekRange(offset: 1, label: "下周") }),
            ("本周", { weekRange(offset: 0, label: "本周") }), ("这周", { weekRange(offset: 0, label: "本周") }),
            ("这星期", { weekRange(offset: 0, label: "本周") }), ("这礼拜", { weekRange(offset: 0, label: "本周") }),
            ("本礼拜", { weekRange(offset: 0, label: "本周") }), ("明年", { yearRange(today.year + 1) }),
            ("今年", { yearRange(today.year) }),
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
        for (word, make) in fixed where rest.hasPrefix(word) {
            guard let range = make() else { return nil }
            let used = word.unicodeScalars.count
            return word.hasSuffix("月") ? part(of: range, q, at: i + used).map { ($0.0, used + $0.1) } ?? (range, used) : (range, used)
        }
        // 月底 / 月初 alone: this month's.
        if rest.hasPrefix("月"), let (range, used) = part(of: monthRange(offset: 0, label: "本月"), q, at: i + 1) {
            return (range, used + 1)
        }

        return monthAndDay(q, at: i, year: nil)
    }

    /// 上旬 / 中旬 / 下旬, 初 / 底 / 末 right after a month: its first, middle or last ten days. A bare 中 is left
    /// alone: 12月中小企业 is about small firms, not mid-December.
    func part(of month: DateRange, _ q: [Unicode.Scalar], at j: Int) -> (DateRange, Int)? {
        let rest = String(String.UnicodeScalarView(q[min(j, q.count)..<min(q.count, j + 2)]))
        let parts: [(String, Int, Int?, String)] = [
            ("上旬", 1, 10, "上旬"), ("中旬", 11, 20, "中旬"), ("下旬", 21, nil, "下旬"),
            ("初", 1, 10, "初"), ("底", 21, nil, "底"), ("末", 21, nil, "底"),
        ]
        for (word, first, last, label) in parts where rest.hasPrefix(word) {
            let from = month.from.adding(days: first - 1)
            let to = last.map { month.from.adding(days: $0 - 1) } ?? month.to
            return (DateRange(from: from, to: to, label: month.label + label), word.unicodeScalars.count)
        }
        return nil
    }

    /// N月 / N月份 / N月N号 / N月N日 with Arabic or Chinese numerals. Without a year, the month nearest to
    /// today: in November "2月" is next February, "9月" the September just past.
    func monthAndDay(_ q: [Unicode.Scalar], at i: Int, year fixedYear: Int?) -> (DateRange, Int)? {
        guard let (m, afterMonth) = number(q, at: i), (1...12).contains(m), afterMonth < q.count, q[afterMonth] == "月" else { return nil }
        var j = afterMonth + 1
        if j < q.count, q[j] == "份" { j += 1 }
        var year = fixedYear ?? today.year
        if fixedYear == nil {
            let delta = m - today.month
            if delta < -5 { year += 1 } else if delta > 6 { year -= 1 }
        }
        guard let first = LocalDate(year: year, month: m, day: 1) else { return nil }
        if let (d, afterDay) = number(q, at: j), afterDay < q.count, q[afterDay] == "号" || q[afterDay] == "日",
           let day = LocalDate(year: year, month: m, day: d) {
            return (DateRange(from: day, to: day, label: "\(m)月\(d)日"), afterDay + 1 - i)
        }
        let whole = DateRange(from: first, to: first.adding(days: LocalDate.daysIn(month: m, year: year) - 1), label: "\(m)月")
        if let (range, used) = part(of: whole, q, at: j) { return (range, j + used - i) }
        return (whole, j - i)
    }

    /// A number of one or two Arabic digits, or a Chinese numeral up to 三十一, at `i`.
    func number(_ q: [Unicode.Scalar], at i: Int) -> (Int, Int)? {
        var j = i
        while j < q.count, j - i < 2, (0x30...0x39).contains(q[j].value) { j += 1 }
        if j > i { return Int(String(String.UnicodeScalarView(q[i..<j]))).map { ($0, j) } }
        for len in [3, 2, 1] where i + len <= q.count {
            if let n = Self.chineseNumbers[String(String.UnicodeScalarView(q[i..<(i + len)]))] { return (n, i + len) }
        }
        return nil
    }

    func yearRange(_ year: Int) -> DateRange {
        let from = LocalDate(year: year, month: 1, day: 1) ?? today
        return DateRange(from: from, to: LocalDate(year: year, month: 12, day: 31) ?? today, label: "\(year)年")
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

    /// The coming 1 January (today's, when today is 1 January).
    func newYear() -> LocalDate? {
        today.month == 1 && today.day == 1 ? today : LocalDate(year: today.year + 1, month: 1, day: 1)
    }

    /// The coming 春节, or the one just past while its holiday week lasts.
    func springFestival() -> LocalDate? {
        Self.springFestivals.lazy.compactMap { LocalDate(year: $0.year, month: $0.month, day: $0.day) }
            .first { $0.adding(days: 6) >= today }
    }

    func yearEnd() -> DateRange {
        DateRange(from: today, to: LocalDate(year: today.year, month: 12, day: 31) ?? today, label: "年底前")
    }
}
