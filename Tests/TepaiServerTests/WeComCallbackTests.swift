import Foundation
import Logging
import Testing
import TepaiCore
import TepaiDelivery
@testable import TepaiServer

/// The WeCom AI bot callback over real HTTP: URL check, an encrypted question answered with an encrypted
/// stream message, and refusals.
@Suite struct WeComCallbackTests {
    static let token = "wecom-bot-token-test"
    /// A test key (WeCom's keys are 43 random letters and digits).
    static let aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

    static func withDaemon(on: Bool = true, service: AnswerService? = nil, _ body: @Sendable (Int) async throws -> Void) async throws {
        let answers: AnswerService
        if let service { answers = service } else { answers = try await LiveServerTests.service(entries: LiveServerTests.entries) }
        var config = TepaiConfig()
        config.serverPort = 0
        if on {
            config.callbacks.weComToken = token
            config.callbacks.weComEncodingAESKey = aesKey
        }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        try await withRunningDaemon({ TepaiDaemon(config: config, answers: answers, logger: logger, onListening: $0) }) { port in
            try await body(port)
        }
    }

    static var key: [UInt8] { WeComCrypto.key(aesKey) ?? [] }

    static func query(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.")
        return fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    /// Signs `encrypted` as WeCom does; `signToken` signs with another token, `age` backdates.
    static func signedQuery(_ encrypted: String, signToken: String = token, age: Int64 = 0) -> [(String, String)] {
        let ts = String(Int64(Date().timeIntervalSince1970) - age)
        let nonce = "n\(Int.random(in: 100_000...999_999))"
        return [("msg_signature", WeComCrypto.signature(token: signToken, timestamp: ts, nonce: nonce, encrypted: encrypted)),
                ("timestamp", ts), ("nonce", nonce)]
    }

    static func postMessage(_ port: Int, _ message: [String: Any], signToken: String = token, age: Int64 = 0) async throws -> HTTPReply {
        let encrypted = try WeComCrypto.encrypt(try JSONSerialization.data(withJSONObject: message), key: key)
        let body = try JSONSerialization.data(withJSONObject: ["encrypt": encrypted])
        return try await CurlTransport().send(HTTPRequestSpec(
            url: "http://127.0.0.1:\(port)/callbacks/wecom?\(query(signedQuery(encrypted, signToken: signToken, age: age)))",
            headers: [("Content-Type", "application/json")], body: body))
    }

    static func textMessage(_ content: String) -> [String: Any] {
        ["msgid": "msg-\(UUID().uuidString)", "aibotid": "aib-test", "chatid": "chat-city", "chattype": "group",
         "from": ["userid": "zhanggong"], "response_url": "https://example.invalid/response", "msgtype": "text", "text": ["content": content]]
    }

    @Test func theCipherAndSignatureMatchIndependentVectors() throws {
        // SHA-1 of the sorted concatenation, and a ciphertext made with `openssl enc -aes-256-cbc -nopad`.
        #expect(WeComCrypto.signature(token: "wecom-token-test", timestamp: "1700000000", nonce: "nonce-1", encrypted: "ENCRYPTED")
            == "ab31c077680a9e94999bbfe120acfe754016f508")
        let vector = "Q3stYC6hdFzMh9T8HCvyDOZAct374BQiL5thmm1gU3MzmdoM+QVpkFbroiHMEVV+4fSiZkCSvu3RKSJF6BJYnDtdr/9FxO/LfwqiDdPu1MJ4p3rlp+qAbHkSU013iY9/"
        let opened = try WeComCrypto.decrypt(vector, key: Self.key)
        #expect(String(decoding: opened.message, as: UTF8.self) == #"{"msgtype":"text","text":{"content":"你好"}}"#)
        #expect(opened.receiveID.isEmpty)
        let sealed = try WeComCrypto.encrypt(Data("技术合同".utf8), key: Self.key, receiveID: "ww-corp")
        let back = try WeComCrypto.decrypt(sealed, key: Self.key)
        #expect(String(decoding: back.message, as: UTF8.self) == "技术合同")
        #expect(String(decoding: back.receiveID, as: UTF8.self) == "ww-corp")
        #expect((Data(base64Encoded: sealed)?.count ?? 0) % 32 == 0)
        let otherKey = WeComCrypto.key("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg") ?? []
        #expect(throws: WeComCrypto.CipherError.self) { try WeComCrypto.decrypt(sealed, key: otherKey) }
    }

    @Test func theURLCheckEchoesTheDecryptedEchostr() async throws {
        try await Self.withDaemon { port in
            let echo = try WeComCrypto.encrypt(Data("5927782489442352469".utf8), key: Self.key)
            let ok = try await CurlTransport().send(HTTPRequestSpec(
                method: "GET", url: "http://127.0.0.1:\(port)/callbacks/wecom?\(Self.query(Self.signedQuery(echo) + [("echostr", echo)]))"))
            #expect(ok.status == 200)
            #expect(String(decoding: ok.body, as: UTF8.self) == "5927782489442352469")
            let forged = try await CurlTransport().send(HTTPRequestSpec(
                method: "GET", url: "http://127.0.0.1:\(port)/callbacks/wecom?\(Self.query(Self.signedQuery(echo, signToken: "guessed") + [("echostr", echo)]))"))
            #expect(forged.status == 401)
        }
    }

    @Test func aSignedQuestionIsAnsweredWithAnEncryptedFinishedStream() async throws {
        let service = try await LiveServerTests.service(entries: LiveServerTests.entries)
        let expected = try await service.answer("技术合同怎么登记").answer
        try await Self.withDaemon(service: service) { port in
            let reply = try await Self.postMessage(port, Self.textMessage("@科技小助手 技术合同怎么登记"))
            #expect(reply.status == 200)
            let envelope = try #require((try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any])
            let encrypted = try #require(envelope["encrypt"] as? String)
            let timestamp = try #require(envelope["timestamp"] as? String)
            let nonce = try #require(envelope["nonce"] as? String)
            #expect(envelope["msgsignature"] as? String == WeComCrypto.signature(token: Self.token, timestamp: timestamp, nonce: nonce, encrypted: encrypted))
            let inner = try WeComCrypto.decrypt(encrypted, key: Self.key)
            #expect(inner.receiveID.isEmpty)
            let message = try #require((try? JSONSerialization.jsonObject(with: inner.message)) as? [String: Any])
            #expect(message["msgtype"] as? String == "stream")
            let stream = try #require(message["stream"] as? [String: Any])
            #expect(stream["finish"] as? Bool == true)
            #expect(!(stream["id"] as? String ?? "").isEmpty)
            #expect(stream["content"] as? String == expected)
            #expect(expected.contains("技术合同"))
        }
    }

    @Test func forgedStaleAndOffCallsAreRefusedAndOtherMessagesGetNoReply() async throws {
        try await Self.withDaemon { port in
            let forged = try await Self.postMessage(port, Self.textMessage("技术合同怎么登记"), signToken: "guessed")
            #expect(forged.status == 401)
            #expect(forged.body.isEmpty == false)
            #expect(try await Self.postMessage(port, Self.textMessage("技术合同怎么登记"), age: 2 * 3600).status == 401)
            let event: [String: Any] = ["msgid": "m-ev", "aibotid": "aib-test", "chattype": "single", "msgtype": "event",
                                        "event": ["eventtype": "enter_chat"], "from": ["userid": "zhanggong"]]
            let ignored = try await Self.postMessage(port, event)
            #expect(ignored.status == 200)
            #expect(ignored.body.isEmpty)
            let malformed = try await CurlTransport().send(HTTPRequestSpec(
                url: "http://127.0.0.1:\(port)/callbacks/wecom?\(Self.query(Self.signedQuery("x")))", body: Data("{not json".utf8)))
            #expect(malformed.status == 400)
        }
        try await Self.withDaemon(on: false) { port in
            let off = try await CurlTransport().send(HTTPRequestSpec(method: "GET", url: "http://127.0.0.1:\(port)/callbacks/wecom"))
            #expect(off.status == 404)
            #expect(String(decoding: off.body, as: UTF8.self).contains("callbacks.wecom_token"))
        }
    }

    @Test func longAnswersAreClippedOnCharacterBoundaries() {
        let text = String(repeating: "技", count: 10)
        #expect(WeComCallback.clip(text, bytes: 10) == "技技技")
        #expect(WeComCallback.clip("abc", bytes: 10) == "abc")
    }
}
