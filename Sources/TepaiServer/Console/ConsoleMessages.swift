import Foundation

/// The importer's and the cron parser's reasons (English, shared with the CLI and the JSON API) in Chinese for
/// the console's administrators. A reason without a translation is shown as it is, so nothing is ever hidden.
enum ConsoleMessages {
    static let cronFields = ["minute": "分钟", "hour": "小时", "day-of-month": "日", "month": "月", "day-of-week": "星期"]

    /// (pattern matching the whole reason, Chinese template with $1… for the captures)
    static let rules: [(NSRegularExpression, String)] = [
        (#"^is required$"#, "必填。"),
        (#"^must not be empty$"#, "不能为空。"),
        (#"^must not contain spaces or line breaks$"#, "不能包含空格或换行。"),
        (#"^must start with http:// or https://$"#, "链接必须以 http:// 或 https:// 开头。"),
        (#"^"(.*)" is not a real day in YYYY-MM-DD form$"#, "“$1”不是有效的日期，请写成 YYYY-MM-DD，例如 2026-12-10。"),
        (#"^"(.*)" is not YYYY-MM-DD or YYYY-MM-DDTHH:MM$"#, "“$1”不是有效的日期或时间，请写成 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM，例如 2026-12-10T09:00。"),
        (#"^"(.*)" is not one of (.*)$"#, "“$1”不是可选的类别（$2）。"),
        (#"^unknown region "(.*)";.*$"#, "没有“$1”这个地区：全国性的请留空，市里的填“市级”，县区请填全称（例如 迁西县）。"),
        (#"^is (\d+) characters long; at most (\d+)$"#, "有 $1 个字，最多 $2 个字。"),
        (#"^has (\d+) items; at most (\d+)$"#, "有 $1 项，最多 $2 项。"),
        (#"^item (\d+) is longer than (\d+) characters$"#, "第 $1 项超过 $2 个字。"),
        (#"^(.*) is before starts_at (.*)$"#, "结束时间 $1 早于开始时间 $2。"),
        (#"^cron ".*": needs five fields \(minute hour day month weekday\), found (\d+);.*$"#, "需要五段（分 时 日 月 星期），现在是 $1 段；例如 0 9 * * MON（每周一 9:00）。"),
        (#"^cron ".*": no month in the month field has such a day, so it never fires$"#, "没有哪个月有这一天，这个时间永远不会触发。"),
        (#"^cron ".*": (\S+) field "(.*)": (-?\d+) is outside (\d+)–(\d+)$"#, "“$2”中的 $3 超出$1的范围 $4–$5。"),
        (#"^cron ".*": (\S+) field "(.*)": "(.*)" is not a number.*$"#, "$1一段的“$3”不是数字或可用的名称。"),
    ].compactMap { pattern, template in (try? NSRegularExpression(pattern: pattern)).map { ($0, template) } }

    static func chinese(_ reason: String) -> String {
        let whole = NSRange(reason.startIndex..., in: reason)
        for (regex, template) in rules {
            guard let match = regex.firstMatch(in: reason, range: whole) else { continue }
            var text = regex.replacementString(for: match, in: reason, offset: 0, template: template)
            for (english, name) in cronFields where text.contains(english) { text = text.replacingOccurrences(of: "超出\(english)的", with: "超出\(name)的").replacingOccurrences(of: "\(english)一段", with: "\(name)一段") }
            return text
        }
        return reason
    }
}
