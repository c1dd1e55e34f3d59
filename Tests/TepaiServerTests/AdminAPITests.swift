import Foundation
import Hummingbird
import Logging
import Testing
import TepaiCore
import TepaiDelivery
import TepaiRender
import TepaiSchedule
import TepaiStore
@testable import TepaiServer

/// The admin API over real HTTP on a live daemon with a real SQLite file.
@Suite struct AdminAPITests {
    static let token = "adm-7f3c9e1b5d2a4680"
    static let callbackToken = "cb-generic-2d4e"

    struct Session {
        var port: Int
        var store: SQLiteStore
        var outbox: SQLiteOutbox
        /// "GET /v1/entries/{id}" … for every route the daemon's router holds.
        var routes: [String] = []
        let curl = CurlTransport()

        func call(_ method: String, _ path: String, token: String? = AdminAPITests.token, body: String? = nil,
                  type: String = "application/json") async throws -> (status: Int, text: String) {
            var headers = [("Content-Type", type)]
            if let token { headers.append(("Authorization", "Bearer \(token)")) }
            let reply = try await curl.send(HTTPRequestSpec(method: method, url: "http://127.0.0.1:\(port)\(path)", headers: headers,
                                                            body: Data((body ?? "").utf8)))
            return (reply.status, String(decoding: reply.body, as: UTF8.self))
        }
    }

    static func withAdminDaemon(maxBody: Int = 8 << 20, extraChannels: [ChannelConfig] = [], _ body: @Sendable (Session) async throws -> Void) async throws {
        let root = LiveServerTests.root
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-admin-\(UUID().uuidString).sqlite").path
        let store = try SQLiteStore(path: path)
        _ = try await store.upsert(LiveServerTests.entries)
        var config = TepaiConfig()
        config.serverPort = 0
        config.adminToken = token
        config.callbacks.genericToken = callbackToken
        config.channels = [
            ChannelConfig(name: "city-fairs", platform: .wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=fake_key_for_tests",
                          format: "markdown", regions: ["市级"], kinds: [.matching]),
            ChannelConfig(name: "qianxi", platform: .log, regions: ["迁西县"]),
        ] + extraChannels
        let templates = try TemplateSet(directory: root.appendingPathComponent("Templates").path)
        let outbox = SQLiteOutbox(store: store)
        let clock = TepaiClock(timeZone: config.timezone, pinned: LocalDateTime("2026-11-23T09:00"))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let service = try await LiveServerTests.service(entries: LiveServerTests.entries)
        let live = LiveSettings(channels: ChannelDirectory(config.channels), templates: TepaiCore.Live(templates),
                                composer: TepaiCore.Live(try DigestComposer(templates: templates, timeZone: config.timezone)), answers: service)
        var admin = AdminAPI(config: config, store: store, live: live, sender: ChannelSender(transport: CurlTransport(), logger: logger),
                             clock: clock, logger: logger)
        admin.maxBodyBytes = maxBody
        let console = try Console(admin: admin, templatesPath: root.appendingPathComponent("Templates").path, secureCookies: false, logger: logger)
        try await withRunningDaemon({ TepaiDaemon(config: config, answers: service, logger: logger, admin: admin, console: console, onListening: $0) }) { port in
            let router = Routes.router(answers: service, limiter: RateLimiter(perMinute: 0), logger: logger, admin: admin, callbacks: config.callbacks,
                                       console: console)
            try await body(Session(port: port, store: store, outbox: outbox, routes: router.routes.map { "\($0.method) \($0.path)" }))
        }
    }

    static let fair = #"{"id": "fair-1", "kind": "matching", "title": "市级新材料成果对接会", "body": "发布需求20项。", "region": "市级", "date": "2026-12-10", "deadline": "2026-12-05"}"#

    @Test func missingOrWrongTokensGet401AndChangeNothing() async throws {
        try await Self.withAdminDaemon { live in
            for token in [nil, "wrong", Self.token + "x", String(Self.token.dropLast())] {
                let post = try await live.call("POST", "/v1/entries", token: token, body: "[\(Self.fair)]")
                #expect(post.status == 401, "token \(token ?? "none")")
                #expect(try await live.call("DELETE", "/v1/entries/tc-register", token: token).status == 401)
                #expect(try await live.call("POST", "/v1/announcements", token: token, body: Self.fair).status == 401)
                #expect(try await live.call("GET", "/v1/channels", token: token).status == 401)
            }
            #expect(try await live.store.count() == 2)
            #expect(try await live.outbox.counts().isEmpty)
        }
    }

    @Test func entriesImportWithTheCLIsErrorsAndRollBack() async throws {
        try await Self.withAdminDaemon { live in
            let bad = try await live.call("POST", "/v1/entries", body: "[\(Self.fair), {\"id\": \"x\", \"kind\": \"award\", \"title\": \"t\", \"body\": \"b\"}]")
            #expect(bad.status == 400)
            #expect(bad.text.contains("request body, record 2, field \\\"kind\\\""), "\(bad.text)")
            let malformed = try await live.call("POST", "/v1/entries", body: "[{\"id\": \"x\",")
            #expect(malformed.status == 400 && malformed.text.contains("error"))
            #expect(try await live.store.count() == 2)

            let ok = try await live.call("POST", "/v1/entries", body: "[\(Self.fair)]")
            #expect(ok.status == 200 && ok.text.contains("\"added\":1"), "\(ok.text)")
            let list = try await live.call("GET", "/v1/entries?kind=matching")
            #expect(list.text.contains("fair-1") && !list.text.contains("tc-register"))
            #expect(try await live.call("DELETE", "/v1/entries/fair-1").status == 200)
            #expect(try await live.call("DELETE", "/v1/entries/fair-1").status == 404)
        }
    }

    @Test func oversizedBodiesGet413() async throws {
        try await Self.withAdminDaemon(maxBody: 1024) { live in
            let big = "[" + (0..<40).map { i in Self.fair.replacingOccurrences(of: "fair-1", with: "fair-\(i)") }.joined(separator: ",") + "]"
            let reply = try await live.call("POST", "/v1/entries", body: big)
            #expect(reply.status == 413)
            #expect(try await live.store.count() == 2)
        }
    }

    @Test func channelsAreMaskedAndAnnouncementsQueueForRoutedGroups() async throws {
        try await Self.withAdminDaemon { live in
            let channels = try await live.call("GET", "/v1/channels")
            #expect(channels.status == 200 && channels.text.contains("city-fairs"))
            #expect(!channels.text.contains("fake_key_for_tests"))

            let announced = try await live.call("POST", "/v1/announcements", body: Self.fair)
            #expect(announced.status == 200, "\(announced.text)")
            #expect(announced.text.contains("\"channels\":[\"city-fairs\"]"))
            #expect(try await live.outbox.counts()[.pending] == 1)
            #expect(try await live.store.entry(id: "fair-1") != nil)
            // The same announcement again queues nothing new.
            #expect(try await live.call("POST", "/v1/announcements", body: Self.fair).text.contains("\"queued\":0"))
            // An entry no channel takes is refused and not stored.
            let nowhere = Self.fair.replacingOccurrences(of: "fair-1", with: "fair-2").replacingOccurrences(of: "\"市级\"", with: "\"玉田县\"")
            #expect(try await live.call("POST", "/v1/announcements", body: nowhere).status == 422)
            #expect(try await live.store.entry(id: "fair-2") == nil)

            let preview = try await live.call("GET", "/v1/digests/city-fairs")
            #expect(preview.status == 200 && preview.text.contains("市级新材料成果对接会") && preview.text.contains("\"limit\":4096"), "\(preview.text)")
        }
    }

    @Test func readinessAndMetrics() async throws {
        try await Self.withAdminDaemon { live in
            #expect(try await live.call("GET", "/readyz", token: nil).status == 200)
            _ = try await live.call("GET", "/v1/query?q=%E9%AB%98%E4%BC%81", token: nil)
            _ = try await live.call("POST", "/v1/announcements", body: Self.fair)
            let metrics = try await live.call("GET", "/metrics", token: nil)
            #expect(metrics.status == 200)
            #expect(metrics.text.contains("tepai_queries_total 1"))
            #expect(metrics.text.contains("tepai_query_seconds_count 1"))
            #expect(metrics.text.contains("tepai_outbox_messages{status=\"pending\"} 1"))
            #expect(metrics.text.contains("tepai_dead_letters 0"))
        }
    }
}
