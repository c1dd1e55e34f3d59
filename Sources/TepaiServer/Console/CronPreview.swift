import Foundation
import TepaiCore

/// The next fire times of a cron expression in plain Chinese, in the configured zone, so an administrator
/// can check an edit before saving it: "11月24日（星期二）09:00".
enum CronPreview {
    static let weekdays = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"]

    static func nextFires(_ cron: CronExpression, after now: Date, in zone: TimeZone, count: Int = 5) -> [Date] {
        var out: [Date] = []
        var cursor = now
        while out.count < count, let next = cron.nextFire(after: cursor, in: zone) {
            out.append(next)
            cursor = next
        }
        return out
    }

    static func describe(_ instant: Date, in zone: TimeZone, now: Date) -> String {
        let t = LocalDateTime.from(instant, in: zone)
        let today = LocalDateTime.from(now, in: zone).date
        let days = t.date.dayNumber - today.dayNumber
        let relative = days == 0 ? "今天 " : days == 1 ? "明天 " : days == 2 ? "后天 " : ""
        let year = t.date.year == today.year ? "" : "\(t.date.year)年"
        return "\(relative)\(year)\(t.date.month)月\(t.date.day)日（\(weekdays[t.date.weekday])）\(t.clockText)"
    }
}
