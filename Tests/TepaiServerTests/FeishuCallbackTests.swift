import Foundation
import Logging
import Testing
import TepaiCore
import TepaiDelivery
import TepaiStore
@testable import TepaiServer

/// The Feishu app bot callback over real HTTP: the daemon on port 0 and a local Feishu open API peer.
@Suite struct FeishuCallbackTests {
    static let verificationToken = "feishu-verification-token-test"
    static let encryptKey = "feishu-encrypt-key-test"
    static let question = "@_user_1 技术合同怎么登记"

    struct Daemon {
        var port: Int
        var url: String { "http://127.0.0.1:\(port)/callbacks/feishu" }
    }

    /// Runs `body` against a daemon whose Feishu callback talks to `peer`; stops the daemon afterwards.
    static func withDaemon(peer: FeishuPeer?, encryptKey: String = encryptKey, events: any CallbackEventLog = InMemoryCallbackEventLog(),
                           service: AnswerService? = nil, _ body: @Sendable (Daemon) async throws -> Void) async throws {
        let answers: AnswerService
        if let service { answers = service } else { answers = try await LiveServerTests.service(entries: LiveServerTests.entries) }
        var config = TepaiConfig()
        config.serverPort = 0
        if let peer {
            config.callbacks.feishuAppID = FeishuPeer.appID
            config.callbacks.feishuAppSecret = FeishuPeer.appSecret
            config.callbacks.feishuVerificationToken = verificationToken
            config.callbacks.feishuEncryptKey = encryptKey
            config.callbacks.feishuAPIBase = peer.base
        }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        try await withRunningDaemon({ TepaiDaemon(config: config, answers: answers, logger: logger, callbackEvents: events, onListening: $0) }) { port in
            try await body(Daemon(port: port))
        }
    }

    static func withPeer(_ peer: FeishuPeer = FeishuPeer(), _ body: @Sendable (FeishuPeer) async throws -> Void) async throws {
        await peer.start()
        defer { peer.stop() }
        try await body(peer)
    }

    static func messageEvent(eventID: String, messageID: String, text: String = question, type: String = "text",
                             chatType: String = "group", mentions: Bool = true, token: String = verificationToken) -> [String: Any] {
        let inner: [String: String] = type == "text" ? ["text": text] : ["image_key": "img_v2_0000"]
        let content = String(decoding: (try? JSONSerialization.data(withJSONObject: inner)) ?? Data(), as: UTF8.self)
        var message: [String: Any] = [
            "message_id": messageID, "chat_id": "oc_0000city", "chat_type": chatType, "message_type": type, "content": content,
            "create_time": "1700000000000",
        ]
        if mentions { message["mentions"] = [["key": "@_user_1", "name": "科技小助手", "id": ["open_id": "ou_bot"]]] }
        return [
            "schema": "2.0",
            "header": ["event_id": eventID, "event_type": "im.message.receive_v1", "create_time": "1700000000000",
                       "token": token, "app_id": FeishuPeer.appID, "tenant_key": "tenant-test"],
            "event": ["sender": ["sender_id": ["open_id": "ou_user"], "sender_type": "user"], "message": message],
        ]
    }

    /// POSTs the event as Feishu would: encrypted and signed with `encryptKey` (or plain when nil); `signKey`
    /// signs with another key, `age` backdates the timestamp, `sign: false` leaves the headers out.
    static func post(_ daemon: Daemon, _ event: [String: Any], encryptKey: String? = encryptKey, signKey: String? = nil,
                     age: Int64 = 0, sign: Bool = true, raw: String? = nil) async throws -> (status: Int, body: [String: Any], text: String) {
        let plaintext = try JSONSerialization.data(withJSONObject: event)
        var body = plaintext
        var headers = [("Content-Type", "application/json; charset=utf-8")]
        if let encryptKey {
            body = try JSONSerialization.data(withJSONObject: ["encrypt": try FeishuCrypto.encrypt(plaintext, encryptKey: encryptKey)])
            if sign {
                let ts = String(Int64(Date().timeIntervalSince1970) - age)
                let nonce = UUID().uuidString
                headers += [("X-Lark-Request-Timestamp", ts), ("X-Lark-Request-Nonce", nonce),
                            ("X-Lark-Signature", FeishuCrypto.signature(timestamp: ts, nonce: nonce, encryptKey: signKey ?? encryptKey, body: body))]
            }
        }
        if let raw { body = Data(raw.utf8) }
        let reply = try await CurlTransport().send(HTTPRequestSpec(url: daemon.url, headers: headers, body: body))
        let text = String(decoding: reply.body, as: UTF8.self)
        return (reply.status, (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:], text)
    }

    @Test func theCipherMatchesFeishusPublishedVectorAndTheSignatureIsSHA256Hex() throws {
        let plain = try FeishuCrypto.decrypt("P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=", encryptKey: "test key")
        #expect(String(decoding: plain, as: UTF8.self) == "hello world")
        let sealed = try FeishuCrypto.encrypt(Data("技术合同".utf8), encryptKey: "k")
        #expect(String(decoding: try FeishuCrypto.decrypt(sealed, encryptKey: "k"), as: UTF8.self) == "技术合同")
        // A wrong key never gives the plaintext back. It usually fails the padding check, but about 1 in 256
        // random blocks ends in valid padding, so the route also refuses a decrypted body that is not JSON.
        let wrongKey = try? FeishuCrypto.decrypt(sealed, encryptKey: "other")
        #expect(wrongKey.map { String(decoding: $0, as: UTF8.self) } != "技术合同")
        #expect(throws: FeishuCrypto.DecryptError.self) { try FeishuCrypto.decrypt("not base64!", encryptKey: "k") }
        // sha256("1700000000" + "nonce-1" + "test key" + body), computed independently.
        let body = Array(#"{"encrypt":"abc"}"#.utf8)
        #expect(FeishuCrypto.signature(timestamp: "1700000000", nonce: "nonce-1", encryptKey: "test key", body: body)
            == "fdc92a0dc5d4bf3902f7d6ce4441e6cab5129dccfad736c3c63864dfae48123c")
        #expect(FeishuCrypto.verify(signature: "FDC92A0DC5D4BF3902F7D6CE4441E6CAB5129DCCFAD736C3C63864DFAE48123C", timestamp: "1700000000",
                                    nonce: "nonce-1", encryptKey: "test key", body: body))
        #expect(!FeishuCrypto.verify(signature: "fdc92a0d", timestamp: "1700000000", nonce: "nonce-1", encryptKey: "test key", body: body))
    }

    @Test func urlVerificationIsAnsweredPlainAndEncrypted() async throws {
        @Sendable func check(token: String = Self.verificationToken) -> [String: Any] {
            ["challenge": "ch-7a1f", "token": token, "type": "url_verification"]
        }
        try await Self.withPeer { peer in
            try await Self.withDaemon(peer: peer, encryptKey: "") { daemon in
                let ok = try await Self.post(daemon, check(), encryptKey: nil)
                #expect(ok.status == 200)
                #expect(ok.body["challenge"] as? String == "ch-7a1f")
                #expect(try await Self.post(daemon, check(token: "guessed"), encryptKey: nil).status == 401)
            }
            try await Self.withDaemon(peer: peer) { daemon in
                // Feishu encrypts the URL check but does not sign it.
                let ok = try await Self.post(daemon, check(), sign: false)
                #expect(ok.status == 200)
                #expect(ok.body["challenge"] as? String == "ch-7a1f")
                #expect(try await Self.post(daemon, check(), encryptKey: "another key", sign: false).status == 400)
            }
        }
    }

    @Test func aSignedEncryptedQuestionGetsExactlyOneReplyWithTheAnswer() async throws {
        let service = try await LiveServerTests.service(entries: LiveServerTests.entries)
        let expected = try await service.answer("技术合同怎么登记").answer
        // Feishu wants the callback acknowledged within 3 s, so the reply must not hold up the acknowledgement:
        // the peer holds every reply until the acknowledgement is in.
        try await Self.withPeer(FeishuPeer(holdReplies: true)) { peer in
            try await Self.withDaemon(peer: peer, service: service) { daemon in
                let ack = try await Self.post(daemon, Self.messageEvent(eventID: "ev-0001", messageID: "om_0001"))
                #expect(ack.status == 200)
                #expect(ack.text == "{}")
                #expect(peer.replies.isEmpty)
                peer.releaseReplies()
                let replies = try await peer.waitForReplies(1)
                #expect(replies == [FeishuPeer.Reply(messageID: "om_0001", text: expected)])
                #expect(expected.contains("技术合同"))
            }
        }
    }

    @Test func aReplayedEventIsAnsweredOnceAlsoAfterARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-feishu-\(UUID().uuidString).sqlite").path
        @Sendable func event() -> [String: Any] { Self.messageEvent(eventID: "ev-replay", messageID: "om_replay") }
        try await Self.withPeer { peer in
            let first = CallbackEventStore(store: try SQLiteStore(path: path))
            try await Self.withDaemon(peer: peer, events: first) { daemon async throws in
                #expect(try await Self.post(daemon, event()).status == 200)
                #expect(try await peer.waitForReplies(1).count == 1)
                for _ in 0..<2 { #expect(try await Self.post(daemon, event()).status == 200) }
            }
            // A new process on the same database remembers the event.
            let restarted = CallbackEventStore(store: try SQLiteStore(path: path))
            try await Self.withDaemon(peer: peer, events: restarted) { daemon in
                #expect(try await Self.post(daemon, event()).status == 200)
                // A fresh event, sent after the replays, is answered: once it is, a replay's reply would be too.
                #expect(try await Self.post(daemon, Self.messageEvent(eventID: "ev-after", messageID: "om_after")).status == 200)
                let replies = try await peer.waitForReplies(2)
                #expect(replies.map(\.messageID).sorted() == ["om_after", "om_replay"])
            }
            // Each daemon fetched one tenant token.
            #expect(peer.tokensIssued == 2)
        }
        #expect(try await CallbackEventStore(store: try SQLiteStore(path: path)).count() == 2)
    }

    @Test func forgedAndStaleSignaturesAreRefusedAndNotAnswered() async throws {
        try await Self.withPeer { peer in
            try await Self.withDaemon(peer: peer) { daemon in
                let forged = try await Self.post(daemon, Self.messageEvent(eventID: "ev-f1", messageID: "om_forged"), signKey: "guessed key")
                #expect(forged.status == 401)
                #expect(forged.body["error"] as? String == "signature does not match")
                let stale = try await Self.post(daemon, Self.messageEvent(eventID: "ev-f2", messageID: "om_stale"), age: 2 * 3600)
                #expect(stale.status == 401)
                #expect(stale.body["error"] as? String == "stale timestamp")
                let unsigned = try await Self.post(daemon, Self.messageEvent(eventID: "ev-f3", messageID: "om_unsigned"), sign: false)
                #expect(unsigned.status == 401)
                // The stale one was refused before it was remembered: sent fresh, it is answered.
                #expect(try await Self.post(daemon, Self.messageEvent(eventID: "ev-f2", messageID: "om_stale")).status == 200)
                #expect(try await peer.waitForReplies(1).map(\.messageID) == ["om_stale"])
            }
        }
    }

    @Test func wrongTokenMalformedJSONAndTheRouteOff() async throws {
        try await Self.withPeer { peer in
            try await Self.withDaemon(peer: peer, encryptKey: "") { daemon in
                let wrong = try await Self.post(daemon, Self.messageEvent(eventID: "ev-w1", messageID: "om_w1", token: "guessed"), encryptKey: nil)
                #expect(wrong.status == 401)
                #expect(wrong.body["error"] as? String == "verification token does not match")
                let malformed = try await Self.post(daemon, [:], encryptKey: nil, raw: "{not json")
                #expect(malformed.status == 400)
                #expect(malformed.body["error"] as? String == "body is not a JSON object")
                var event = Self.messageEvent(eventID: "ev-w2", messageID: "om_w2")
                if var e = event["event"] as? [String: Any], var m = e["message"] as? [String: Any] {
                    m["content"] = "技术合同"
                    e["message"] = m
                    event["event"] = e
                }
                let badContent = try await Self.post(daemon, event, encryptKey: nil)
                #expect(badContent.status == 400)
                #expect((badContent.body["error"] as? String ?? "").contains("event.message.content"))
                let encrypted = try await Self.post(daemon, Self.messageEvent(eventID: "ev-w3", messageID: "om_w3"), encryptKey: "k", sign: false)
                #expect(encrypted.status == 400)
                #expect((encrypted.body["error"] as? String ?? "").contains("feishu_encrypt_key"))
            }
            #expect(peer.replies.isEmpty)
        }
        try await Self.withDaemon(peer: nil) { daemon in
            let off = try await Self.post(daemon, ["type": "url_verification"], encryptKey: nil)
            #expect(off.status == 404)
            #expect((off.body["error"] as? String ?? "").contains("callbacks.feishu_app_id"))
        }
    }

    @Test func nonTextAndUnaddressedMessagesAreIgnored() async throws {
        try await Self.withPeer { peer in
            try await Self.withDaemon(peer: peer) { daemon in
                let image = try await Self.post(daemon, Self.messageEvent(eventID: "ev-i1", messageID: "om_image", type: "image"))
                #expect(image.status == 200)
                #expect(image.text == "{}")
                let aside = try await Self.post(daemon, Self.messageEvent(eventID: "ev-i2", messageID: "om_aside", mentions: false))
                #expect(aside.status == 200)
                var other = Self.messageEvent(eventID: "ev-i3", messageID: "om_other")
                other["header"] = ["event_id": "ev-i3", "event_type": "im.chat.member.bot.added_v1", "token": Self.verificationToken]
                #expect(try await Self.post(daemon, other).status == 200)
                // A direct message needs no mention; it is answered, and it is the only one.
                #expect(try await Self.post(daemon, Self.messageEvent(eventID: "ev-i4", messageID: "om_direct", chatType: "p2p", mentions: false)).status == 200)
                #expect(try await peer.waitForReplies(1).map(\.messageID) == ["om_direct"])
            }
        }
    }

    @Test func theReplierTreatsANonZeroCodeAsFailureAndRenewsARejectedToken() async throws {
        try await Self.withPeer(FeishuPeer(refused: ["om_outside"], rejectTokens: 1)) { peer in
            var config = CallbackConfig()
            config.feishuAppID = FeishuPeer.appID
            config.feishuAppSecret = FeishuPeer.appSecret
            config.feishuAPIBase = peer.base
            let replier = FeishuReplier(config: config, transport: CurlTransport(maxTransfers: 1))
            // The first reply meets an "expired" token: a new one is fetched and the reply sent once more.
            try await replier.reply(to: "om_1", text: "答复")
            #expect(peer.replies == [FeishuPeer.Reply(messageID: "om_1", text: "答复")])
            #expect(peer.tokensIssued == 2)
            let outside = await #expect(throws: FeishuAPIError.self) { try await replier.reply(to: "om_outside", text: "答复") }
            #expect(outside?.code == 230_002)
            #expect(outside?.step == "reply")
            #expect(outside?.description.contains("outside the group") == true)
            try await replier.reply(to: "om_2", text: "再答")
            #expect(peer.tokensIssued == 2)
            config.feishuAppSecret = "wrong"
            let refused = await #expect(throws: FeishuAPIError.self) {
                try await FeishuReplier(config: config, transport: CurlTransport(maxTransfers: 1)).reply(to: "om_3", text: "x")
            }
            #expect(refused?.code == 10014)
        }
    }
}
