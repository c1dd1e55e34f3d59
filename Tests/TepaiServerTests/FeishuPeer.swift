import Foundation
import Hummingbird

/// A local stand-in for Feishu's open API on 127.0.0.1: it issues a tenant_access_token for the right
/// app_id/app_secret, checks the bearer token and the body of each reply, and records the replies. Like
/// Feishu, it answers HTTP 200 with a non-zero `code` when it refuses.
final class FeishuPeer: @unchecked Sendable {
    static let appID = "cli_test_0000aaaa"
    static let appSecret = "feishu-app-secret-for-tests"
    static let tenantToken = "t-test-tenant-token-1"

    struct Reply: Equatable {
        var messageID: String
        var text: String
    }

    private let lock = NSLock()
    private var received: [Reply] = []
    private var tokenFetches = 0
    /// Replies to these message ids are refused with code 230002 (the bot is not in the chat).
    private let refused: Set<String>
    /// The first `rejectTokens` replies are refused as if the token had expired.
    private var rejectTokens: Int
    /// While true, replies are held unanswered (at most 20 s), so a test can tell whether the daemon waits on them.
    private var holding: Bool
    private var task: Task<Void, Error>?
    private(set) var port = 0

    init(refused: Set<String> = [], rejectTokens: Int = 0, holdReplies: Bool = false) {
        self.refused = refused
        self.rejectTokens = rejectTokens
        self.holding = holdReplies
    }

    /// Lets held replies through.
    func releaseReplies() { lock.withLock { holding = false } }

    var replies: [Reply] { lock.withLock { received } }
    var tokensIssued: Int { lock.withLock { tokenFetches } }
    var base: String { "http://127.0.0.1:\(port)" }

    func start() async {
        let router = Router()
        router.post("/open-apis/auth/v3/tenant_access_token/internal") { request, _ -> Response in
            let json = try await Self.json(request)
            guard json["app_id"] as? String == Self.appID, json["app_secret"] as? String == Self.appSecret else {
                return Self.answer(["code": 10014, "msg": "app secret invalid"])
            }
            self.lock.withLock { self.tokenFetches += 1 }
            return Self.answer(["code": 0, "msg": "ok", "tenant_access_token": Self.tenantToken, "expire": 7200])
        }
        router.post("/open-apis/im/v1/messages/:message_id/reply") { request, context -> Response in
            let json = try await Self.json(request)
            let heldUntil = ContinuousClock.now + .seconds(20)
            while self.lock.withLock({ self.holding }), ContinuousClock.now < heldUntil {
                try await Task.sleep(for: .milliseconds(20))
            }
            let expired = self.lock.withLock { () -> Bool in
                guard self.rejectTokens > 0 else { return false }
                self.rejectTokens -= 1
                return true
            }
            guard !expired, request.headers[.authorization] == "Bearer \(Self.tenantToken)" else {
                return Self.answer(["code": 99_991_663, "msg": "Invalid access token for authorization"])
            }
            let id = context.parameters.get("message_id") ?? ""
            guard !self.refused.contains(id) else { return Self.answer(["code": 230_002, "msg": "The bot can not be outside the group."]) }
            guard json["msg_type"] as? String == "text", let content = json["content"] as? String,
                  let inner = (try? JSONSerialization.jsonObject(with: Data(content.utf8))) as? [String: Any],
                  let text = inner["text"] as? String, !text.isEmpty else {
                return Self.answer(["code": 230_001, "msg": "invalid message content"])
            }
            self.lock.withLock { self.received.append(Reply(messageID: id, text: text)) }
            return Self.answer(["code": 0, "msg": "success", "data": ["message_id": "om_reply_\(id)"]])
        }
        (port, task) = await runLocalServer(router)
    }

    func stop() {
        task?.cancel()
    }

    /// Waits until at least `count` replies arrived (or the deadline passed) and returns them all.
    func waitForReplies(_ count: Int, within seconds: Double = 15) async throws -> [Reply] {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while replies.count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return replies
    }

    static func json(_ request: Request) async throws -> [String: Any] {
        let body = try await request.body.collect(upTo: 1 << 20)
        return (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    static func answer(_ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
