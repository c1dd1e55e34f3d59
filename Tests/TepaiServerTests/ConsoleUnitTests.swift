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
