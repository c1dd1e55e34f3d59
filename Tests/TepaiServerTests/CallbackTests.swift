import Foundation
import Logging
import Testing
import TepaiCore
import TepaiDelivery
@testable import TepaiServer

/// Questions asked in groups, over real HTTP: DingTalk's signed robot callback and the generic JSON one.
@Suite struct CallbackTests {
    static let appSecret = "dt-app-secret-2b9f"

    static func withCallbackDaemon(_ body: @Sendable (Int) async throws -> Void) async throws {
        let service = try await LiveServerTests.service(entries: LiveServerTests.entries)
        var config = TepaiConfig()
        config.serverPort = 0
        config.callbacks.dingTalkAppSecret = appSecret
        config.callbacks.genericToken = "generic-token-1"
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        try await withRunningDaemon({ TepaiDaemon(config: config, answers: service, logger: logger, onListening: $0) }) { port in
            try await body(port)
        }
    }

    static func dingtalk(_ port: Int, content: String, ageMs: Int64 = 0, secret: String = appSecret, raw: String? = nil) async throws -> (Int, [String: Any]) {
        let ts = Int64(Date().timeIntervalSince1970 * 1000) - ageMs
        // DingTalk sends the base64 signature as is in the header.
        let sign = DingTalkSigner.sign(timestampMs: ts, secret: secret).removingPercentEncoding ?? ""
        let message: [String: Any] = ["msgtype": "text", "text": ["content": content], "senderNick": "张工",
                                      "conversationId": "cid1", "sessionWebhook": "https://oapi.dingtalk.com/robot/sendBySession?session=x"]
        let body = try raw.map { Data($0.utf8) } ?? JSONSerialization.data(withJSONObject: message)
        let reply = try await CurlTransport().send(HTTPRequestSpec(
            url: "http://127.0.0.1:\(port)/callbacks/dingtalk",
            headers: [("Content-Type", "application/json"), ("timestamp", String(ts)), ("sign", sign)], body: body))
        return (reply.status, (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:])
    }

    @Test func aSignedDingTalkQuestionIsAnsweredInTheResponse() async throws {
        try await Self.withCallbackDaemon { port in
            let (status, reply) = try await Self.dingtalk(port, content: " @科技小助手 技术合同怎么登记")
            #expect(status == 200)
            #expect(reply["msgtype"] as? String == "text")
            let text = (reply["text"] as? [String: Any])?["content"] as? String ?? ""
            #expect(text.contains("技术合同"), "\(text)")
        }
    }

    @Test func forgedStaleAndUnsignedDingTalkCallsAreRefused() async throws {
        try await Self.withCallbackDaemon { port in
            #expect(try await Self.dingtalk(port, content: "技术合同怎么登记", secret: "guessed").0 == 401)
            #expect(try await Self.dingtalk(port, content: "技术合同怎么登记", ageMs: 2 * 3_600_000).0 == 401)
            let unsigned = try await CurlTransport().send(HTTPRequestSpec(
                url: "http://127.0.0.1:\(port)/callbacks/dingtalk", body: Data(#"{"text":{"content":"技术合同"}}"#.utf8)))
            #expect(unsigned.status == 401)
            #expect(try await Self.dingtalk(port, content: "", raw: "{not json").0 == 400)
        }
    }

    @Test func theGenericCallbackNeedsItsTokenAndReturnsTheQueryJSON() async throws {
        try await Self.withCallbackDaemon { port in
            func post(_ token: String?, _ body: String) async throws -> HTTPReply {
                var headers = [("Content-Type", "application/json")]
                if let token { headers.append(("Authorization", "Bearer \(token)")) }
                return try await CurlTransport().send(HTTPRequestSpec(url: "http://127.0.0.1:\(port)/callbacks/generic", headers: headers, body: Data(body.utf8)))
            }
            #expect(try await post(nil, #"{"text":"高企认定条件"}"#).status == 401)
            #expect(try await post("generic-token-2", #"{"text":"高企认定条件"}"#).status == 401)
            #expect(try await post("generic-token-1", #"{"txt":"x"}"#).status == 400)
            let ok = try await post("generic-token-1", #"{"text":"@bot 高企认定要什么条件"}"#)
            #expect(ok.status == 200)
            let decoded = try JSONDecoder().decode(QueryResponse.self, from: ok.body)
            #expect(decoded.query == "高企认定要什么条件")
            #expect(decoded.results.first?.id == "hte-cond")
        }
    }

    @Test func mentionsAreStripped() {
        #expect(MentionStripper.strip("@科技小助手 技术合同怎么登记") == "技术合同怎么登记")
        #expect(MentionStripper.strip("@_user_1\u{2005}高企有啥要求 ") == "高企有啥要求")
        #expect(MentionStripper.strip("迁西下个月有啥培训") == "迁西下个月有啥培训")
    }
}
