import Foundation
import Hummingbird
import TepaiDelivery

/// Local HTTP servers on 127.0.0.1 that behave like the group-robot platforms: they check the key or token,
/// the DingTalk signature and its timestamp, and the byte limits, and answer with the real error codes
/// (always HTTP 200, as the platforms do).
final class PlatformPeer: @unchecked Sendable {
    private let lock = NSLock()
    private var received: [[String: Any]] = []
    private var task: Task<Void, Error>?
    private(set) var port = 0

    var messages: [[String: Any]] { lock.withLock { received } }

    func start(wecomKey: String, dingTalkToken: String, dingTalkSecret: String) async throws {
        let router = Router()
        router.post("/cgi-bin/webhook/send") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            guard request.uri.queryParameters.get("key") == wecomKey else { return Self.answer(93000, "invalid webhook url") }
            guard let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                  let type = json["msgtype"] as? String, let inner = json[type] as? [String: Any],
                  let content = inner["content"] as? String else { return Self.answer(40035, "invalid parameter") }
            let limit = type == "markdown" ? 4096 : 2048
            guard content.utf8.count <= limit else { return Self.answer(40058, "content exceed max length \(limit)") }
            self.lock.withLock { self.received.append(json) }
            return Self.answer(0, "ok")
        }
        router.post("/robot/send") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let q = request.uri.queryParameters
            guard q.get("access_token") == dingTalkToken else { return Self.answer(300001, "token is not exist") }
            guard let ts = q.get("timestamp").flatMap(Int64.init), let sign = q.get("sign") else {
                return Self.answer(310000, "sign not match")
            }
            let age = Date().timeIntervalSince1970 * 1000 - Double(ts)
            guard abs(age) < 3_600_000 else { return Self.answer(310000, "timestamp expired") }
            guard DingTalkSigner.verify(timestampMs: ts, sign: sign, secret: dingTalkSecret) else { return Self.answer(310000, "sign not match") }
            guard body.readableBytes <= 20_000, let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] else {
                return Self.answer(460101, "message too long")
            }
            self.lock.withLock { self.received.append(json) }
            return Self.answer(0, "ok")
        }
        (port, task) = await runLocalServer(router)
    }

    func stop() { task?.cancel() }

    static func answer(_ code: Int, _ message: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: #"{"errcode":\#(code),"errmsg":"\#(message)"}"#)))
    }
}

/// Starts a Hummingbird server on 127.0.0.1, port 0, and returns the bound port and the task running it.
func runLocalServer(_ router: Router<BasicRequestContext>) async -> (Int, Task<Void, Error>) {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                          onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
    let task = Task { try await app.runService() }
    var it = ports.makeAsyncIterator()
    return (await it.next() ?? 0, task)
}
