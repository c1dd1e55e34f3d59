import Foundation
import Testing
import TepaiCore
@testable import TepaiServer

/// The console's pieces that need no daemon: form parsing, sessions and one-time links, the cookie.
@Suite struct ConsoleUnitTests {
    @Test func urlencodedAndMultipartFormsAreRead() {
        let form = ConsoleForm(contentType: "application/x-www-form-urlencoded", body: Data("a=1+2&b=%E6%8A%80%2B&a=ignored&empty=".utf8))
        #expect(form["a"] == "1 2" && form["b"] == "技+" && form["empty"] == "" && form["missing"] == "")
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n" +
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"e.jsonl\"\r\nContent-Type: application/octet-stream\r\n\r\nline1\r\nline2\r\n" +
            "--XyZ--\r\n"
        let multi = ConsoleForm(contentType: "multipart/form-data; boundary=XyZ", body: Data(body.utf8))
        #expect(multi["csrf"] == "abc")
        #expect(multi.files["file"]?.name == "e.jsonl")
        #expect(multi.files["file"].map { String(decoding: $0.data, as: UTF8.self) } == "line1\r\nline2")
    }

    @Test func sessionsExpireAndTicketsWorkOnce() {
        let sessions = ConsoleSessions(lifetime: 60, ticketLifetime: 10)
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        let s = sessions.create(now: t0)
        #expect(s.id.count == 64 && s.csrf.count == 64 && s.id != s.csrf)
        #expect(sessions.session(s.id, now: t0.addingTimeInterval(59))?.csrf == s.csrf)
        // Use pushes the expiry forward; idle past the lifetime ends it.
        #expect(sessions.session(s.id, now: t0.addingTimeInterval(118)) != nil)
        #expect(sessions.session(s.id, now: t0.addingTimeInterval(179)) == nil)
        let ticket = sessions.issueTicket(next: "/console/channels", now: t0)
        #expect(sessions.redeem(ticket, now: t0.addingTimeInterval(5)) == "/console/channels")
        #expect(sessions.redeem(ticket, now: t0.addingTimeInterval(6)) == nil)
        let late = sessions.issueTicket(next: "/console", now: t0)
        #expect(sessions.redeem(late, now: t0.addingTimeInterval(11)) == nil)
    }

    @Test func digestPartsAreDrawnAsTheChatShowsThem() {
        let wecom = ChannelConfig(name: "w", platform: .wecom, url: "https://x", format: "markdown")
        let md = "### 成果对接会（12月）\n\n**1. [新材料对接会](https://kj.example/f?a=1&b=2)**  \n> 时间：12月10日\n- 一项\n- 两项\n<font color=\"warning\">报名截止</font>"
        let html = PlatformPreview.html(md, title: "t", url: nil, channel: wecom)
        #expect(html.contains("<p class=\"md-h\">成果对接会（12月）</p>"), "\(html)")
        #expect(html.contains("<strong>1. <a href=\"https://kj.example/f?a=1&amp;b=2\">新材料对接会</a></strong>"), "\(html)")
        #expect(html.contains("<blockquote>时间：12月10日</blockquote>"))
        #expect(html.contains("<ul><li>一项</li><li>两项</li></ul>"))
        #expect(html.contains("<span class=\"md-warning\">报名截止</span>"))
        // Entry text cannot add markup: tags are escaped, and only http(s) links become anchors.
        let hostile = PlatformPreview.html("<script>alert(1)</script> [x](javascript:alert(1)) **<b>b</b>**", title: "t", url: nil, channel: wecom)
        #expect(!hostile.contains("<script>") && hostile.contains("&lt;script&gt;") && !hostile.contains("href=\"javascript"))
        #expect(hostile.contains("<strong>&lt;b&gt;b&lt;/b&gt;</strong>"))
        // Plain text keeps its lines and shows markdown characters as they are.
        let text = PlatformPreview.html("一行 **不加粗**\n二行", title: "t", url: nil, channel: ChannelConfig(name: "j", platform: .json, url: "https://x", format: "text"))
        #expect(text == "<div class=\"md\">一行 **不加粗**<br>二行</div>")
        // Slack mrkdwn; a Feishu card gets its header and button.
        let slack = PlatformPreview.html("*标题*\n<https://kj.example/1|链接>", title: "t", url: nil, channel: ChannelConfig(name: "s", platform: .slack, url: "https://x", format: "text"))
        #expect(slack.contains("<strong>标题</strong><br><a href=\"https://kj.example/1\">链接</a>"), "\(slack)")
        let card = PlatformPreview.html("**a**", title: "本周<汇总>", url: "https://kj.example/2", channel: ChannelConfig(name: "f", platform: .feishu, url: "https://x", format: "card"))
        #expect(card.hasPrefix("<div class=\"frame\"><p class=\"frame-title\">本周&lt;汇总&gt;</p>") && card.contains("frame-button\" href=\"https://kj.example/2\""))
    }

    @Test func onlyConsolePathsAreLinkTargets() {
        #expect(Console.isConsolePath("/console") && Console.isConsolePath("/console/schedules"))
        for bad in ["https://evil.example", "//evil.example/console", "/console/../v1", "/consolex", "/v1/channels", "/console/\\\\evil"] {
            #expect(!Console.isConsolePath(bad), "\(bad)")
        }
    }

    @Test func cronPreviewReadsInTheConfiguredZone() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let now = Date(timeIntervalSince1970: 1_795_392_000)  // 2026-11-23 08:00 in Shanghai (a Monday)
        let fires = CronPreview.nextFires(try CronExpression("0 9 * * MON,FRI"), after: now, in: zone)
        #expect(fires.map { CronPreview.describe($0, in: zone, now: now) } == [
            "今天 11月23日（星期一）09:00", "11月27日（星期五）09:00", "11月30日（星期一）09:00", "12月4日（星期五）09:00", "12月7日（星期一）09:00",
        ])
        let newYear = CronPreview.nextFires(try CronExpression("0 0 1 1 *"), after: now, in: zone, count: 1)
        #expect(newYear.map { CronPreview.describe($0, in: zone, now: now) } == ["2027年1月1日（星期五）00:00"])
    }
}
