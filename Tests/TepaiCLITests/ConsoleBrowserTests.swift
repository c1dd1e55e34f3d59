import Foundation
import Testing
import TepaiStore

/// The web console in a real browser: headless Chromium loads every page of a running `tepai serve` and the
/// tests assert on the DOM it dumps; a screenshot of each page is kept under `.artifacts/console/`.
///
/// Chromium gets its session through a one-time sign-in link (`/console/enter?ticket=…`, the console's "open
/// on the phone" link) minted by the test's signed-in HTTP session: the browser's fresh profile then holds
/// the session cookie itself, with no cookie files or DevTools plumbing.
@Suite(.serialized) struct ConsoleBrowserTests {
    @Test func everyPageLoadsInChromiumAfterSignIn() async throws {
        let chromium = try Chromium.find()
        let peer = CountingPeer()
        try await peer.start(delayMs: 1)
        defer { peer.stop() }
        try await ConsoleDaemon.with(peerPort: peer.port) { d in
            let shots = Chromium.artifacts
            // Signed out: the browser lands on the sign-in form.
            let login = try await chromium.load(d.base + "/console/login", screenshot: shots.appendingPathComponent("login.png"))
            #expect(login.contains("id=\"login-form\"") && login.contains("管理令牌"), "\(login.prefix(400))")
            let session = try await d.signIn()
            let pages: [(name: String, path: String, expect: [String])] = [
                ("dashboard", "/console", ["id=\"outbox\"", "data-channel=\"city-fairs\"", "data-schedule=\"weekly-fairs\"", "今天 11月23日（星期一）09:00"]),
                ("channels", "/console/channels", ["id=\"channel-city-fairs\"", "id=\"channel-qianxi\"", "发送测试消息"]),
                ("schedules", "/console/schedules", ["id=\"schedule-weekly-fairs\"", "0 9 * * MON", "11月30日（星期一）09:00", "Asia/Shanghai"]),
                ("digest-preview", "/console/digests?channel=city-fairs", ["class=\"size\"", " 字节", "立即发送", "class=\"card plan\"", "id=\"rendered-1\"", "原文"]),
                ("search-answered", "/console/content?q=" + escape("技术合同怎么登记"), ["id=\"answered\"", "id=\"answer-text\"", "data-entry=\"faq-tc-what-is\""]),
                ("search-declined", "/console/content?q=" + escape("驾驶证到期怎么换证"), ["id=\"declined\"", "id=\"decline-reason\"", "如需帮助，请联系"]),
                ("entry-new", "/console/entries/new", ["新增条目", "name=\"title\"", "name=\"csrf\""]),
                ("entry-edit", "/console/entries/faq-tc-what-is", ["编辑条目", "什么是技术合同认定登记", "readonly"]),
                ("import", "/console/import", ["enctype=\"multipart/form-data\"", "name=\"file\""]),
                ("announce", "/console/announce", ["发布对接会或培训", "value=\"matching\" selected"]),
            ]
            for page in pages {
                let url = try await d.link(to: page.path, session: session)
                let shot = shots.appendingPathComponent("\(page.name).png")
                let dom = try await chromium.load(url, screenshot: shot)
                for needle in page.expect { #expect(dom.contains(needle), "\(page.name): no \(needle) in \(dom.prefix(600))") }
                // Signed in (the link gave the browser its own session): navigation and the sign-out form with a CSRF token.
                #expect(dom.contains("action=\"/console/logout\"") && ConsoleDaemon.csrf(in: dom) != nil, "\(page.name)")
                let size = (try? FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0
                #expect(size > 1000, "\(page.name): screenshot \(shot.path) is \(size) bytes")
                print("console screenshot: \(shot.path)")
            }
            // The link page shows the whole address to open on the phone.
            let linkPage = try await d.post("/console/links", [("csrf", session.csrf), ("next", "/console")], cookie: session.cookie)
            #expect(linkPage.text.contains("http://127.0.0.1:\(d.port)/console/enter?ticket="), "\(linkPage.text.prefix(800))")
            // A used link does not sign in again.
            let url = try await d.link(to: "/console/channels", session: session)
            _ = try await chromium.load(url, screenshot: shots.appendingPathComponent("link-used-once.png"))
            let again = try await chromium.load(url, screenshot: shots.appendingPathComponent("link-reused.png"))
            #expect(again.contains("链接无效") && !again.contains("id=\"channel-city-fairs\""))
        }
    }

    @Test func signInSetsAStrictHttpOnlyCookieAndWrongTokensGetNone() async throws {
        let peer = CountingPeer()
        try await peer.start(delayMs: 1)
        defer { peer.stop() }
        try await ConsoleDaemon.with(peerPort: peer.port) { d in
            let unsigned = try await d.get("/console/channels")
            #expect(unsigned.status == 303 && unsigned.header("location") == "/console/login")
            for wrong in ["", "wrong", ConsoleDaemon.token + "x"] {
                let r = try await d.post("/console/login", [("token", wrong)], cookie: nil)
                #expect(r.status == 401 || r.status == 422, "token \(wrong)")
                #expect(r.setCookies.isEmpty)
                #expect(r.text.contains("id=\"error-token\""), "\(r.text.prefix(300))")
            }
            let r = try await d.post("/console/login", [("token", ConsoleDaemon.token)], cookie: nil)
            #expect(r.status == 303 && r.header("location") == "/console")
            let cookie = try #require(r.setCookies.first)
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/console"), "\(cookie)")
            #expect(!cookie.contains("Secure"), "plain HTTP on localhost: no Secure flag unless server.secure_cookies")
            #expect(!d.log.text.contains(ConsoleDaemon.token), "the token is never logged")

            let session = try await d.signIn()
            // A sign-in link only ever leads into the console, whatever `next` says.
            for next in ["https://evil.example/", "//evil.example/console", "/console/../v1/channels"] {
                let link = try await d.link(to: next, session: session)
                let entered = try await d.get(String(link.dropFirst(d.base.count)))
                #expect(entered.status == 303 && entered.header("location") == "/console", "\(next) → \(entered.header("location") ?? "none")")
                #expect(entered.setCookies.first?.contains("HttpOnly") == true)
            }
            let out = try await d.post("/console/logout", [("csrf", session.csrf)], cookie: session.cookie)
            #expect(out.status == 303)
            #expect(try await d.get("/console", cookie: session.cookie).status == 303, "signed out: the old cookie no longer works")

            // Guessing is slowed down: at most 10 sign-in attempts a minute from one address, the right token included.
            var statuses: [Int] = []
            for _ in 0..<8 { statuses.append(try await d.post("/console/login", [("token", "guess")], cookie: nil).status) }
            let right = try await d.post("/console/login", [("token", ConsoleDaemon.token)], cookie: nil)
            #expect(statuses.contains(429) && right.status == 429 && right.setCookies.isEmpty, "\(statuses) \(right.status)")
        }
    }

    @Test func theConsoleSaysItIsOffWithoutAnAdminToken() async throws {
        let chromium = try Chromium.find()
        let peer = CountingPeer()
        try await peer.start(delayMs: 1)
        defer { peer.stop() }
        try await ConsoleDaemon.with(peerPort: peer.port, adminToken: "") { d in
            let dom = try await chromium.load(d.base + "/console/login", screenshot: Chromium.artifacts.appendingPathComponent("disabled.png"))
            #expect(dom.contains("控制台未启用") && dom.contains("admin_token"), "\(dom.prefix(400))")
            let post = try await d.post("/console/login", [("token", "")], cookie: nil)
            #expect(post.status == 404 && post.setCookies.isEmpty)
        }
    }

    @Test func anOlderTemplatesFolderWithoutTheConsoleStillServes() async throws {
        let (dir, db) = try CLI.seededDatabase(["seeds/entries/a.json"])
        let templates = dir.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        let source = CLI.root.appendingPathComponent("Templates")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".mustache") {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: templates.appendingPathComponent(name))
        }
        let config = dir.appendingPathComponent("tepai.yaml")
        try """
            database: \(db)
            server: {host: 127.0.0.1, port: 0}
            admin_token: "\(ConsoleDaemon.token)"
            templates: \(templates.path)
            """.write(to: config, atomically: true, encoding: .utf8)
        let err = Pipe()
        let p = try CLI.spawn(["serve", "--config", config.path], stderr: err)
        defer { if p.isRunning { p.terminate(); p.waitUntilExit() } }
        let log = DaemonLog(err)
        let port = try #require(try await log.port(), "\(log.text)")
        #expect(log.text.contains("web console off"), "\(log.text)")
        let d = ConsoleDaemon(port: port, db: db, dir: dir, log: log)
        #expect(try await d.get("/console/login").status == 404)
        #expect(try await d.get("/healthz").status == 200)
    }

    func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
}
