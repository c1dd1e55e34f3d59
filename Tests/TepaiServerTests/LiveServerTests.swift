import Foundation
import Hummingbird
import Logging
import Testing
import TepaiCore
import TepaiDelivery
import TepaiRender
import TepaiSearch
import TepaiStore
@testable import TepaiServer

/// Starts the real daemon on 127.0.0.1, port 0, and drives it with the project's own libcurl client.
@Suite struct LiveServerTests {
    static var root: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return url
    }

    static func service(entries: [Entry], store given: SQLiteStore? = nil, refreshInterval: Duration = .seconds(2)) async throws -> AnswerService {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-live-\(UUID().uuidString).sqlite").path
        let store = try given ?? SQLiteStore(path: path)
        _ = try await store.upsert(entries)
        let lexicon = try Lexicon.load(path: root.appendingPathComponent("config/lexicon.yaml").path)
        let templates = try TemplateSet(directory: root.appendingPathComponent("Templates").path)
        let config = TepaiConfig()
        return try await AnswerService(
            store: store, analyzer: QueryAnalyzer(lexicon: lexicon, regions: config.regionCatalog, pinyin: PinyinTable()),
            renderer: AnswerRenderer(templates: templates, contact: "市科技局 0315-1234567"),
            clock: TepaiClock(timeZone: config.timezone, pinned: LocalDateTime("2026-11-23T09:00")), logger: Logger(label: "test"),
            refreshInterval: refreshInterval)
    }

    /// Runs `body` against a live daemon and stops it afterwards.
    static func withDaemon(_ service: AnswerService, _ body: @Sendable (Int) async throws -> Void) async throws {
        var config = TepaiConfig()
        config.serverPort = 0
        try await withRunningDaemon({ TepaiDaemon(config: config, answers: service, logger: Logger(label: "test"), onListening: $0) }) { port in
            try await body(port)
        }
    }

    static let entries = [
        Entry(id: "tc-register", kind: .faq, title: "技术合同在哪里办理认定登记？", body: "到市技术合同登记站办理，也可网上登记。",
              tags: ["技术合同", "登记"], region: "市级"),
        Entry(id: "hte-cond", kind: .policy, title: "高新技术企业认定条件", body: "注册成立一年以上，拥有知识产权。", tags: ["高企"]),
    ]

    @Test func healthAndQueryOverRealHTTP() async throws {
        let service = try await Self.service(entries: Self.entries)
        try await Self.withDaemon(service) { port in
            let curl = CurlTransport()
            let health = try await curl.send(HTTPRequestSpec(method: "GET", url: "http://127.0.0.1:\(port)/healthz"))
            #expect(health.status == 200)

            let q = "技术合同怎么登记".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
            let reply = try await curl.send(HTTPRequestSpec(method: "GET", url: "http://127.0.0.1:\(port)/v1/query?q=\(q)"))
            #expect(reply.status == 200)
            let decoded = try JSONDecoder().decode(QueryResponse.self, from: reply.body)
            #expect(decoded.declined == false)
            #expect(decoded.results.first?.id == "tc-register")
            #expect(decoded.answer.contains("技术合同"))

            let missing = try await curl.send(HTTPRequestSpec(method: "GET", url: "http://127.0.0.1:\(port)/v1/query"))
            #expect(missing.status == 400)
            #expect(String(decoding: missing.body, as: UTF8.self).contains("missing query parameter q"))
        }
    }

    @Test func queryOverHTTPMatchesTheServiceDirectly() async throws {
        let service = try await Self.service(entries: Self.entries)
        let direct = try await service.answer("高企认定要什么条件")
        try await Self.withDaemon(service) { port in
            let q = "高企认定要什么条件".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
            let reply = try await CurlTransport().send(HTTPRequestSpec(method: "GET", url: "http://127.0.0.1:\(port)/v1/query?q=\(q)"))
            #expect(try JSONDecoder().decode(QueryResponse.self, from: reply.body) == direct)
        }
    }
}

/// The libcurl transport against a real local HTTP peer that checks what it receives.
@Suite struct CurlTransportTests {
    @Test func postsBodyAndHeadersAndReadsTheReply() async throws {
        let router = Router()
        router.post("/hook") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let text = String(buffer: body)
            guard request.headers[.contentType] == "application/json; charset=utf-8",
                  text == #"{"msgtype":"text","text":{"content":"技术合同登记培训 12月8日"}}"# else {
                return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: #"{"errcode":40001}"#)))
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"errcode":0,"errmsg":"ok"}"#)))
        }
        let (port, task) = await runLocalServer(router)
        let body = Data(#"{"msgtype":"text","text":{"content":"技术合同登记培训 12月8日"}}"#.utf8)
        let ok = try await CurlTransport().send(HTTPRequestSpec(
            url: "http://127.0.0.1:\(port)/hook", headers: [("Content-Type", "application/json; charset=utf-8")], body: body))
        #expect(ok.status == 200)
        #expect(String(decoding: ok.body, as: UTF8.self) == #"{"errcode":0,"errmsg":"ok"}"#)
        let wrong = try await CurlTransport().send(HTTPRequestSpec(url: "http://127.0.0.1:\(port)/hook", body: Data("{}".utf8)))
        #expect(wrong.status == 400)
        task.cancel()
    }
}

@Suite struct RateLimitTests {
    @Test func bucketRefillsAtTheConfiguredRate() {
        final class Clock: @unchecked Sendable { var t = 0.0 }
        let clock = Clock()
        let limiter = RateLimiter(perMinute: 3) { clock.t }
        #expect(limiter.take("a") == nil)
        #expect(limiter.take("a") == nil)
        #expect(limiter.take("a") == nil)
        let wait = limiter.take("a")
        #expect(wait != nil && abs((wait ?? 0) - 20) < 0.01)  // one token every 20 s
        #expect(limiter.take("b") == nil)                      // other clients are not affected
        clock.t = 20
        #expect(limiter.take("a") == nil)
        #expect(limiter.take("a") != nil)
        #expect(RateLimiter(perMinute: 0).take("a") == nil)    // 0 = no limit
    }

    @Test func queryAPIAnswers429WithRetryAfterOverTheLimit() async throws {
        let service = try await LiveServerTests.service(entries: LiveServerTests.entries)
        var config = TepaiConfig()
        config.serverPort = 0
        config.queryRateLimitPerMinute = 2
        try await withRunningDaemon({ TepaiDaemon(config: config, answers: service, logger: Logger(label: "test"), onListening: $0) }) { port in
            let url = "http://127.0.0.1:\(port)/v1/query?q=%E9%AB%98%E4%BC%81"
            let curl = CurlTransport()
            #expect(try await curl.send(HTTPRequestSpec(method: "GET", url: url)).status == 200)
            #expect(try await curl.send(HTTPRequestSpec(method: "GET", url: url)).status == 200)
            let refused = try await curl.send(HTTPRequestSpec(method: "GET", url: url))
            #expect(refused.status == 429)
            #expect(String(decoding: refused.body, as: UTF8.self).contains("at most 2 a minute"))
            // Health checks are never limited.
            #expect(try await curl.send(HTTPRequestSpec(method: "GET", url: "http://127.0.0.1:\(port)/healthz")).status == 200)
        }
    }
}
