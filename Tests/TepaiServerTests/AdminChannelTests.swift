import Foundation
import Hummingbird
import Testing
import TepaiCore
import TepaiDelivery
import TepaiStore
@testable import TepaiServer

/// A JSON webhook on 127.0.0.1 that accepts `{"title","text"}` at `/ok` and refuses everything at `/refuse`.
final class WebhookPeer: @unchecked Sendable {
    private let lock = NSLock()
    private var bodies: [[String: Any]] = []
    private var task: Task<Void, Error>?
    private(set) var port = 0
    var received: [[String: Any]] { lock.withLock { bodies } }

    func start() async throws {
        let router = Router()
        router.post("/ok") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            guard let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any], json["text"] is String else {
                return Response(status: .badRequest)
            }
            self.lock.withLock { self.bodies.append(json) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        router.post("/refuse") { _, _ -> Response in Response(status: .forbidden) }
        (port, task) = await runLocalServer(router)
    }

    func stop() { task?.cancel() }
}

@Suite struct AdminChannelTests {
    @Test func switchingAChannelOffHoldsItsMessagesAndIsStored() async throws {
        try await AdminAPITests.withAdminDaemon { live in
            let off = try await live.call("POST", "/v1/channels/city-fairs/disable")
            #expect(off.status == 200 && off.text.contains("\"enabled\":false"), "\(off.text)")
            #expect(try await live.call("GET", "/v1/channels").text.contains("\"enabled\":false"))
            #expect(try await ChannelSwitches(store: live.store).all() == ["city-fairs": false])
            // No enabled channel takes the fair now: refused, nothing queued.
            #expect(try await live.call("POST", "/v1/announcements", body: AdminAPITests.fair).status == 422)
            #expect(try await live.call("POST", "/v1/channels/no-such/disable").status == 404)
            #expect(try await live.call("POST", "/v1/channels/city-fairs/disable", token: "wrong").status == 401)

            let on = try await live.call("POST", "/v1/channels/city-fairs/enable")
            #expect(on.status == 200 && on.text.contains("\"enabled\":true"))
            #expect(try await ChannelSwitches(store: live.store).all() == ["city-fairs": true])
            #expect(try await live.call("POST", "/v1/announcements", body: AdminAPITests.fair).status == 200)
        }
    }

    @Test func aChannelTestReturnsThePlatformsAnswer() async throws {
        let peer = WebhookPeer()
        try await peer.start()
        defer { peer.stop() }
        let good = ChannelConfig(name: "hook-ok", platform: .json, url: "http://127.0.0.1:\(peer.port)/ok")
        let bad = ChannelConfig(name: "hook-refuse", platform: .json, url: "http://127.0.0.1:\(peer.port)/refuse")
        try await AdminAPITests.withAdminDaemon(extraChannels: [good, bad]) { live in
            let ok = try await live.call("POST", "/v1/channels/hook-ok/test")
            #expect(ok.status == 200 && ok.text.contains("\"ok\":true"), "\(ok.text)")
            #expect(peer.received.count == 1)
            #expect((peer.received.first?["text"] as? String)?.contains("tepai 的测试消息") == true)
            let refused = try await live.call("POST", "/v1/channels/hook-refuse/test")
            #expect(refused.status == 502 && refused.text.contains("\"code\":403"), "\(refused.text)")
            #expect(peer.received.count == 1)
        }
    }

    @Test func anEntryIsEditedInPlaceWithTheImportsChecks() async throws {
        try await AdminAPITests.withAdminDaemon { live in
            let edited = #"{"id": "hte-cond", "kind": "policy", "title": "高新技术企业认定条件（2026年修订）", "body": "注册成立一年以上。", "tags": ["高企"]}"#
            let put = try await live.call("PUT", "/v1/entries/hte-cond", body: edited)
            #expect(put.status == 200 && put.text.contains("updated"), "\(put.text)")
            #expect(try await live.store.entry(id: "hte-cond")?.title == "高新技术企业认定条件（2026年修订）")
            #expect(try await live.call("PUT", "/v1/entries/hte-cond", body: edited).text.contains("unchanged"))

            let mismatch = try await live.call("PUT", "/v1/entries/tc-register", body: edited)
            #expect(mismatch.status == 400 && mismatch.text.contains("does not match"))
            let badKind = edited.replacingOccurrences(of: "\"policy\"", with: "\"award\"")
            let refused = try await live.call("PUT", "/v1/entries/hte-cond", body: badKind)
            #expect(refused.status == 400 && refused.text.contains("kind"))
            #expect(try await live.store.entry(id: "hte-cond")?.kind == .policy)
            #expect(try await live.call("PUT", "/v1/entries/nope", body: edited).status == 404)
            #expect(try await live.call("PUT", "/v1/entries/hte-cond", token: nil, body: edited).status == 401)
        }
    }
}
