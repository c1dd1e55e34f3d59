import Foundation
import Testing
import TepaiCore
import TepaiStore

/// The console's forms over real HTTP: bad input gets a message at the field (asserted in the returned page's
/// DOM) and leaves the store exactly as it was; good input does what the page says.
@Suite(.serialized) struct ConsoleFormTests {
    /// Everything a form could change, to compare before and after a refused post.
    struct Snapshot: Equatable {
        var entries: [Entry]
        var outbox: [OutboxMessage.Status: Int]
        var overrides: [String: String]
        var switches: [String: Bool]

        static func take(_ db: String) async throws -> Snapshot {
            let store = try SQLiteStore(path: db)
            return Snapshot(entries: try await store.allEntries(), outbox: try await SQLiteOutbox(store: store).counts(),
                            overrides: try await ScheduleOverrides(store: store).all(), switches: try await ChannelSwitches(store: store).all())
        }
    }

    static let goodFair: [(String, String)] = [
        ("kind", "matching"), ("title", "市级智能装备成果对接会"), ("body", "发布技术需求30项，现场对接。"), ("region", "市级"),
        ("date", "2026-12-18"), ("deadline", "2026-12-12T17:00"), ("venue", "市科技大厦三楼"),
    ]

    @Test func badInputIsShownAtTheFieldAndChangesNothing() async throws {
        let chromium = try Chromium.find()
        let peer = CountingPeer()
        try await peer.start(delayMs: 1)
        defer { peer.stop() }
        try await ConsoleDaemon.with(peerPort: peer.port) { d in
            let s = try await d.signIn()
            let before = try await Snapshot.take(d.db)
            let csrf = ("csrf", s.csrf)
            // (what, path, fields, the element that must carry the message, words it must contain)
            let cases: [(String, String, [(String, String)], String, String)] = [
                ("new entry, bad date", "/console/entries", [csrf, ("id", "new-1"), ("kind", "faq"), ("title", "t"), ("body", "b"), ("date", "2026-13-01")], "error-date", "“2026-13-01”不是有效的日期"),
                ("new entry, no title", "/console/entries", [csrf, ("id", "new-2"), ("kind", "faq"), ("body", "b")], "error-title", "必填"),
                ("new entry, unknown kind", "/console/entries", [csrf, ("id", "new-3"), ("kind", "award"), ("title", "t"), ("body", "b")], "error-kind", "“award”不是可选的类别"),
                ("new entry, id with a space", "/console/entries", [csrf, ("id", "a b"), ("kind", "faq"), ("title", "t"), ("body", "b")], "error-id", "不能包含空格"),
                ("new entry, id taken", "/console/entries", [csrf, ("id", "faq-tc-what-is"), ("kind", "faq"), ("title", "t"), ("body", "b")], "error-id", "已经存在"),
                ("edit, empty title", "/console/entries/faq-tc-what-is", [csrf, ("kind", "faq"), ("title", " "), ("body", "b")], "error-title", "必填"),
                ("edit, unknown region", "/console/entries/faq-tc-what-is", [csrf, ("kind", "faq"), ("title", "t"), ("body", "b"), ("region", "火星")], "error-region", "没有“火星”这个地区"),
                ("schedule, four fields", "/console/schedules/weekly-fairs", [csrf, ("cron", "0 9 * *"), ("action", "save")], "error-cron-weekly-fairs", "需要五段（分 时 日 月 星期），现在是 4 段"),
                ("schedule, hour 25", "/console/schedules/weekly-fairs", [csrf, ("cron", "0 25 * * MON"), ("action", "save")], "error-cron-weekly-fairs", "“25”中的 25 超出小时的范围 0–23"),
                ("schedule, never fires", "/console/schedules/weekly-fairs", [csrf, ("cron", "0 9 30 2 *"), ("action", "save")], "error-cron-weekly-fairs", "永远不会触发"),
                ("announce, a FAQ", "/console/announce", [csrf, ("action", "send"), ("kind", "faq"), ("title", "t"), ("body", "b")], "error-kind", "只能发布"),
                ("announce, bad deadline", "/console/announce", [csrf, ("action", "send")] + Self.goodFair.filter { $0.0 != "deadline" } + [("deadline", "12月12日")], "error-deadline", "“12月12日”不是有效的日期或时间"),
                ("announce, no channel takes it", "/console/announce", [csrf, ("action", "send")] + Self.goodFair.filter { $0.0 != "region" } + [("region", "玉田县")], "error-region", "没有已启用的群"),
                ("import, nothing given", "/console/import", [csrf, ("text", "")], "error-file", "请选择"),
                ("delete, box not ticked", "/console/entries/faq-tc-what-is/delete", [csrf], "error-confirm", "确认删除"),
            ]
            for (n, (what, path, fields, element, words)) in cases.enumerated() {
                let r = try await d.post(path, fields, cookie: s.cookie)
                #expect(r.status == 422, "\(what): \(r.status)")
                let message = Self.element(element, in: r.text)
                #expect(message?.contains(words) == true, "\(what): \(element) is \(message ?? "missing") in \(r.text.prefix(300))")
                #expect(try await Snapshot.take(d.db) == before, "\(what) changed the store")
                // The same page in the browser: the message is in the DOM next to its field.
                let shot = Chromium.artifacts.appendingPathComponent(String(format: "form-error-%02d.png", n + 1))
                let dom = try await chromium.render(html: r.text, base: d.base, screenshot: shot)
                #expect(Self.element(element, in: dom)?.contains(words.replacingOccurrences(of: "\"", with: "&quot;")) == true, "\(what) in Chromium")
                print("console screenshot (\(what)): \(shot.path)")
            }
            let longQuestion = try await d.get("/console/content?q=" + String(repeating: "问", count: 201).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, cookie: s.cookie)
            #expect(Self.element("error-q", in: longQuestion.text)?.contains("200") == true)

            // An import with broken records among good ones: every broken record is listed, nothing is written.
            let records = [
                #"{"id":"imp-1","kind":"faq","title":"好的一条","body":"内容"}"#,
                #"{"id":"imp-2","kind":"faq","title":"坏日期","body":"内容","date":"2026-02-30"}"#,
                #"{"id":"imp-3","kind":"award","title":"坏类别","body":"内容"}"#,
            ].joined(separator: "\n")
            let upload = try await d.upload("/console/import", fields: [csrf, ("format", "auto")],
                                            file: ("file", "batch.jsonl", Data(records.utf8)), cookie: s.cookie)
            #expect(upload.status == 422)
            #expect(upload.text.contains("batch.jsonl, line 2") && upload.text.contains("batch.jsonl, line 3"), "\(upload.text.prefix(800))")
            #expect(upload.text.components(separatedBy: "class=\"problem\"").count - 1 == 2)
            let pasted = try await d.post("/console/import", [csrf, ("format", "json"), ("text", "[{\"id\": \"x\",")], cookie: s.cookie)
            #expect(pasted.status == 422 && pasted.text.contains("粘贴的内容"))
            #expect(try await Snapshot.take(d.db) == before)

            // No CSRF token, or another one: 403 and nothing changes. No session: back to sign-in.
            for token in ["", String(repeating: "0", count: 64)] {
                let r = try await d.post("/console/channels/city-fairs/disable", [("csrf", token)], cookie: s.cookie)
                #expect(r.status == 403 && r.text.contains("CSRF"), "\(r.status)")
            }
            let noSession = try await d.post("/console/channels/city-fairs/disable", [csrf], cookie: nil)
            #expect(noSession.status == 303 && noSession.header("location") == "/console/login")
            #expect(try await Snapshot.take(d.db) == before)
        }
    }

    /// Ids are free text: one with Chinese, `/`, `#`, `?` and `%` is linked as one encoded path segment, opens,
    /// saves back under the same id, and the admin API finds it under the same segment.
    @Test func entryIdsWithReservedCharactersTravelAsOneSegment() async throws {
        let peer = CountingPeer()
        try await peer.start(delayMs: 1)
        defer { peer.stop() }
        try await ConsoleDaemon.with(peerPort: peer.port) { d in
            let s = try await d.signIn()
            let store = try SQLiteStore(path: d.db)
            let id = "政策/2026#1?a=b%"
            let segment = "%E6%94%BF%E7%AD%96%2F2026%231%3Fa%3Db%25"
            let added = try await d.post("/console/entries", [("csrf", s.csrf), ("id", id), ("kind", "notice"), ("title", "编号带斜杠的通知"),
                                                              ("body", "正文一。")], cookie: s.cookie)
            #expect(added.status == 303 && added.header("location") == "/console/entries/\(segment)?saved=1", "\(added.status) \(added.text.prefix(300))")
            let list = try await d.get("/console/content?kind=notice", cookie: s.cookie)
            #expect(list.text.contains("href=\"/console/entries/\(segment)\""), "\(list.text.prefix(600))")
            let page = try await d.get("/console/entries/\(segment)", cookie: s.cookie)
            #expect(page.status == 200 && page.text.contains("编号带斜杠的通知") && page.text.contains("action=\"/console/entries/\(segment)\""))
            let saved = try await d.post("/console/entries/\(segment)", [("csrf", s.csrf), ("kind", "notice"), ("title", "编号带斜杠的通知"), ("body", "正文二。")],
                                         cookie: s.cookie)
            #expect(saved.status == 303)
            #expect(try await store.entry(id: id)?.body == "正文二。")
            let api = try await RawHTTP.send(port: d.port, method: "GET", path: "/v1/entries/\(segment)",
                                             headers: [("Authorization", "Bearer \(ConsoleDaemon.token)")], body: Data())
            #expect(api.status == 200 && String(decoding: api.body, as: UTF8.self).contains("正文二。"))
            // Deleting, from the form on its page, with the box ticked.
            #expect(page.text.contains("action=\"/console/entries/\(segment)/delete\""))
            let count = try await store.count()
            let deleted = try await d.post("/console/entries/\(segment)/delete", [("csrf", s.csrf), ("confirm", "yes")], cookie: s.cookie)
            #expect(deleted.status == 200 && deleted.text.contains("已删除"), "\(deleted.status) \(deleted.text.prefix(300))")
            #expect(try await store.entry(id: id) == nil)
            #expect(try await store.count() == count - 1)
            #expect(try await d.post("/console/entries/\(segment)/delete", [("csrf", s.csrf), ("confirm", "yes")], cookie: s.cookie).status == 404)
        }
    }

    @Test func goodInputDoesWhatThePageSays() async throws {
        let chromium = try Chromium.find()
        let peer = CountingPeer()
        try await peer.start(delayMs: 1)
        defer { peer.stop() }
        try await ConsoleDaemon.with(peerPort: peer.port) { d in
            let s = try await d.signIn()
            let csrf = ("csrf", s.csrf)
            let store = try SQLiteStore(path: d.db)
            let count = try await store.count()

            // Add, then find it through the bot's own search.
            let added = try await d.post("/console/entries", [csrf, ("id", "faq-console-1"), ("kind", "faq"), ("title", "科技特派员工作站怎么申请建站"),
                                                              ("body", "向县科技局提交建站申请表。"), ("tags", "特派员，工作站"), ("aliases", "工作站建站条件\n")], cookie: s.cookie)
            #expect(added.status == 303 && added.header("location") == "/console/entries/faq-console-1?saved=1", "\(added.status) \(added.text.prefix(300))")
            #expect(try await store.entry(id: "faq-console-1")?.tags == ["特派员", "工作站"])
            let found = try await d.get("/console/content?q=" + "特派员工作站怎么申请".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, cookie: s.cookie)
            #expect(found.text.contains("id=\"answered\"") && found.text.contains("/console/entries/faq-console-1"), "\(found.text.prefix(600))")
            // Edit.
            let edited = try await d.post("/console/entries/faq-console-1", [csrf, ("kind", "faq"), ("title", "科技特派员工作站怎么申请建站"),
                                                                              ("body", "向县科技局提交建站申请表和场地证明。")], cookie: s.cookie)
            #expect(edited.status == 303)
            #expect(try await store.entry(id: "faq-console-1")?.body == "向县科技局提交建站申请表和场地证明。")

            // Import a YAML file through the upload.
            let yaml = "- {id: imp-y1, kind: faq, title: 导入的问答一, body: 内容一}\n- {id: imp-y2, kind: notice, title: 导入的通知, body: 内容二, date: 2026-11-20}\n"
            let imported = try await d.upload("/console/import", fields: [csrf, ("format", "auto")], file: ("file", "more.yaml", Data(yaml.utf8)), cookie: s.cookie)
            #expect(imported.status == 200 && imported.text.contains("新增 2 条"), "\(imported.text.prefix(600))")
            try await Self.show(imported.text, as: "import-done", in: chromium, daemon: d, expecting: "新增 2 条")
            #expect(try await store.count() == count + 3)

            // Schedules: preview stores nothing; save stores and shows the new times; reset goes back.
            let overrides = ScheduleOverrides(store: store)
            let preview = try await d.post("/console/schedules/weekly-fairs", [csrf, ("cron", "30 8 * * TUE,THU"), ("action", "preview")], cookie: s.cookie)
            #expect(Self.element("preview-weekly-fairs", in: preview.text)?.contains("明天 11月24日（星期二）08:30") == true, "\(preview.text.prefix(900))")
            #expect(try await overrides.all().isEmpty)
            try await Self.show(preview.text, as: "schedule-preview", in: chromium, daemon: d, expecting: "id=\"preview-weekly-fairs\"")
            let saved = try await d.post("/console/schedules/weekly-fairs", [csrf, ("cron", "30 8 * * TUE,THU"), ("action", "save")], cookie: s.cookie)
            #expect(saved.status == 200 && saved.text.contains("id=\"notice\""))
            #expect(try await overrides.all() == ["weekly-fairs": "30 8 * * TUE,THU"])
            let dashboard = try await d.get("/console", cookie: s.cookie)
            #expect(dashboard.text.contains("明天 11月24日（星期二）08:30"), "the dashboard shows the next run under the new schedule")
            _ = try await d.post("/console/schedules/weekly-fairs", [csrf, ("action", "reset")], cookie: s.cookie)
            #expect(try await overrides.all().isEmpty)

            // Channels: disable is stored and shown; enable; a test message reaches the peer.
            let off = try await d.post("/console/channels/city-fairs/disable", [csrf], cookie: s.cookie)
            #expect(off.text.contains("已停用 city-fairs"))
            #expect(try await ChannelSwitches(store: store).all()["city-fairs"] == false)
            _ = try await d.post("/console/channels/city-fairs/enable", [csrf], cookie: s.cookie)
            #expect(try await ChannelSwitches(store: store).all()["city-fairs"] == true)
            let tested = try await d.post("/console/channels/city-fairs/test", [csrf], cookie: s.cookie)
            #expect(tested.status == 200 && tested.text.contains("id=\"notice\""), "\(tested.text.prefix(500))")
            #expect(peer.counts.keys.contains { $0.hasPrefix("city-fairs|") })

            // Announce: the preview names the channels and stores nothing; sending stores and queues.
            let outbox = SQLiteOutbox(store: store)
            let shown = try await d.post("/console/announce", [csrf, ("action", "preview")] + Self.goodFair, cookie: s.cookie)
            #expect(shown.status == 200 && shown.text.contains("data-channel=\"city-fairs\"") && !shown.text.contains("data-channel=\"qianxi\""))
            let id = try #require(shown.text.range(of: #"name="id" value="(fair-[^"]+)""#, options: .regularExpression).map { String(shown.text[$0].dropFirst(17).dropLast()) })
            #expect(try await store.entry(id: id) == nil)
            try await Self.show(shown.text, as: "announce-preview", in: chromium, daemon: d, expecting: "data-channel=\"city-fairs\"")
            let sent = try await d.post("/console/announce", [csrf, ("action", "send"), ("id", id)] + Self.goodFair, cookie: s.cookie)
            #expect(sent.status == 200 && sent.text.contains("已保存 \(id)"), "\(sent.text.prefix(600))")
            #expect(try await store.entry(id: id)?.venue == "市科技大厦三楼")
            let delivered = Date().addingTimeInterval(20)
            while !peer.counts.keys.contains(where: { $0.contains("智能装备成果对接会") }), Date() < delivered { try await Task.sleep(for: .milliseconds(100)) }
            #expect(peer.counts.keys.contains { $0.hasPrefix("city-fairs|") && $0.contains("智能装备成果对接会") }, "the daemon's worker delivered it")

            // Digest: the preview shows each part with its size; send now queues it once.
            let digest = try await d.get("/console/digests?channel=city-fairs", cookie: s.cookie)
            #expect(digest.text.contains("class=\"size\"") && digest.text.contains("智能装备成果对接会"), "\(digest.text.prefix(900))")
            let total = { try await outbox.counts().values.reduce(0, +) }
            let beforeSend = try await total()
            let queued = try await d.post("/console/digests/city-fairs/send", [csrf], cookie: s.cookie)
            #expect(queued.status == 200 && queued.text.contains("已排队"), "\(queued.text.prefix(600))")
            let afterSend = try await total()
            #expect(afterSend > beforeSend)
            let again = try await d.post("/console/digests/city-fairs/send", [csrf], cookie: s.cookie)
            #expect(again.status == 200 && !again.text.contains("已排队"), "\(again.text.prefix(600))")
            #expect(try await total() == afterSend, "sending again in the same period queues nothing twice")
            let board = try await d.get("/console", cookie: s.cookie)
            let recent = try #require(Self.element("deliveries", in: board.text))
            #expect(recent.contains("city-fairs") && recent.contains("已送达"), "recent deliveries show on the dashboard: \(recent.prefix(400))")
        }
    }

    @Test func theDashboardShowsFailuresAndTheOutboxDepth() async throws {
        let peer = CountingPeer()
        try await peer.start(delayMs: 1)
        defer { peer.stop() }
        let prepare: (String) async throws -> Void = { db in
            let outbox = SQLiteOutbox(store: try SQLiteStore(path: db))
            _ = try await outbox.enqueue([OutboxMessage(idempotencyKey: "dash-1", channel: "broken", title: "通知", content: "玉田县通知",
                                                        url: nil, part: 1, parts: 1, now: Date().timeIntervalSince1970)])
        }
        try await ConsoleDaemon.with(peerPort: peer.port, prepare: prepare) { d in
            let s = try await d.signIn()
            // The worker tries the message at once; nobody listens on port 9, so the attempt fails and is retried later.
            var page = ""
            let deadline = Date().addingTimeInterval(30)
            repeat {
                page = try await d.get("/console", cookie: s.cookie).text
                if Self.element("failures", in: page)?.contains("broken") == true { break }
                try await Task.sleep(for: .milliseconds(200))
            } while Date() < deadline
            #expect(Self.element("failures", in: page)?.contains("broken") == true, "\(page.prefix(1500))")
            #expect(page.contains("class=\"health-bad\" data-channel=\"broken\""), "the channel's health shows its last failure")
            #expect(page.contains("class=\"health-idle\" data-channel=\"city-fairs\""))
            let outbox = try #require(Self.element("outbox", in: page))
            // Waiting for its retry (or, in the instant of the retry itself, being sent): one message deep.
            #expect(outbox.contains("<span class=\"num\">1</span> 待发送") || outbox.contains("<span class=\"num\">1</span> 发送中"), "\(outbox)")
        }
    }

    /// Shows a page a form post returned in Chromium, checks its DOM and keeps the screenshot.
    static func show(_ html: String, as name: String, in chromium: Chromium, daemon d: ConsoleDaemon, expecting needle: String) async throws {
        let shot = Chromium.artifacts.appendingPathComponent("\(name).png")
        let dom = try await chromium.render(html: html, base: d.base, screenshot: shot)
        #expect(dom.contains(needle), "\(name): no \(needle) in Chromium's DOM")
        print("console screenshot: \(shot.path)")
    }

    /// The markup inside the element with this id (up to the first closing tag of its name), or nil when the
    /// page has none.
    static func element(_ id: String, in html: String) -> String? {
        guard let attribute = html.range(of: "id=\"\(id)\""), let open = html[..<attribute.lowerBound].range(of: "<", options: .backwards) else { return nil }
        let name = html[open.upperBound...].prefix { $0.isLetter || $0.isNumber }
        let rest = html[attribute.upperBound...]
        guard let close = rest.range(of: "</\(name)>") else { return nil }
        return String(rest[..<close.lowerBound])
    }
}
