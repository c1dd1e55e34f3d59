import Foundation
import TepaiCore

/// Dates of feeds — RFC 822 (`Mon, 02 Mar 2026 09:30:00 +0800`, RSS) and RFC 3339 (`2026-03-02T09:30:00Z`,
/// Atom and JSON Feed) — read as the day they fall on in the configured zone. A date without a zone is a
/// wall time in that zone. Parsed by hand: no locale, no shared formatter.
enum FeedDate {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func day(_ text: String, in zone: TimeZone) -> LocalDate? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = t.first else { return nil }
        let parsed = first.isNumber && t.count >= 10 && t.dropFirst(4).first == "-" ? rfc3339(t, zone: zone) : rfc822(t, zone: zone)
        guard let (wall, offset) = parsed else { return nil }
        guard let offset else { return wall.date }
        let instant = Date(timeIntervalSince1970: Double(wall.wallSeconds - offset))
        return LocalDateTime.from(instant, in: zone).date
    }

    /// `2026-03-02`, `2026-03-02T09:30:00.5+08:00`, `2026-03-02 09:30:00` …: the wall time and its offset
    /// in seconds (nil when the text names no zone).
    static func rfc3339(_ t: String, zone: TimeZone) -> (LocalDateTime, Int?)? {
        guard let date = LocalDate(String(t.prefix(10))) else { return nil }
        var rest = Substring(t.dropFirst(10))
        guard let sep = rest.first else { return LocalDateTime(date: date).map { ($0, nil) } }
        guard sep == "T" || sep == "t" || sep == " " else { return nil }
        rest = rest.dropFirst()
        let clock = rest.prefix { $0.isNumber || $0 == ":" }
        rest = rest.dropFirst(clock.count)
        let parts = clock.split(separator: ":").compactMap { Int($0) }
        guard parts.count >= 2, let wall = LocalDateTime(date: date, hour: parts[0], minute: parts[1], second: parts.count > 2 ? parts[2] : 0) else { return nil }
        if rest.first == "." { rest = rest.dropFirst().drop { $0.isNumber } }
        let zoneText = rest.trimmingCharacters(in: .whitespaces)
        if zoneText.isEmpty { return (wall, nil) }
        guard let offset = self.offset(zoneText, zone: zone, instantHint: wall) else { return nil }
        return (wall, offset)
    }

    /// `Mon, 02 Mar 2026 09:30:00 +0800` (weekday and seconds optional, two-digit years allowed).
    static func rfc822(_ t: String, zone: TimeZone) -> (LocalDateTime, Int?)? {
        var words = t.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        if let w = words.first, w.first?.isLetter == true { words.removeFirst() }
        guard words.count >= 4, let day = Int(words[0]),
              let month = months.firstIndex(of: String(words[1].lowercased().prefix(3))), var year = Int(words[2]) else { return nil }
        if year < 100 { year += year < 70 ? 2000 : 1900 }
        let parts = words[3].split(separator: ":").compactMap { Int($0) }
        guard parts.count >= 2, let date = LocalDate(year: year, month: month + 1, day: day),
              let wall = LocalDateTime(date: date, hour: parts[0], minute: parts[1], second: parts.count > 2 ? parts[2] : 0) else { return nil }
        guard words.count > 4 else { return (wall, nil) }
        guard let offset = offset(words[4], zone: zone, instantHint: wall) else { return nil }
        return (wall, offset)
    }

    /// `Z`, `+08:00`, `+0800`, `GMT`, `UT`, US zone letters. Chinese sites write `CST` for China Standard
    /// Time, so `CST` is +08:00 when the configured zone is there, else US Central.
    static func offset(_ text: String, zone: TimeZone, instantHint: LocalDateTime) -> Int? {
        let upper = text.uppercased()
        switch upper {
        case "Z", "GMT", "UT", "UTC": return 0
        case "EST": return -5 * 3600
        case "EDT": return -4 * 3600
        case "CDT": return -5 * 3600
        case "MST": return -7 * 3600
        case "MDT": return -6 * 3600
        case "PST": return -8 * 3600
        case "PDT": return -7 * 3600
        case "CST":
            let here = zone.secondsFromGMT(for: instantHint.instant(in: zone))
            return here == 8 * 3600 ? here : -6 * 3600
        default: break
        }
        guard let sign = upper.first, sign == "+" || sign == "-" else { return nil }
        let digits = upper.dropFirst().filter(\.isNumber)
        guard digits.count == 4, let hh = Int(digits.prefix(2)), let mm = Int(digits.suffix(2)), hh < 24, mm < 60 else { return nil }
        let seconds = hh * 3600 + mm * 60
        return sign == "-" ? -seconds : seconds
    }
}
