import Foundation
import TepaiDelivery

/// WeCom- and Feishu-like robots on one local peer that misbehave on purpose. A share of requests get HTTP
/// 500, a reply slower than the client's timeout, or the TCP connection closed without an answer (a reset, as
/// the client sees it); none of these is accepted. The rest are checked as the platform would: the WeCom key,
/// the Feishu token, signature, timestamp and body size, and each robot's rate limits, answering with the
/// platform's real error codes. It counts every accepted message, so duplicates and limit breaches show.
final class ChaosPeer: @unchecked Sendable {
    struct Chaos {
        var failShare = 0.0
        var slowShare = 0.0
        var resetShare = 0.0
        var slowMs = 4_000
    }

    private let lock = NSLock()
    private var accepted: [String: Int] = [:]
    private var sentAt: [String: [Double]] = [:]
    private var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var tally: [String: Int] = [:]
    private var server: RawHTTPPeer?

    let chaos: Chaos
    /// WeCom's windows (count, seconds) per key; tests scale the real 20 a minute down.
    let weComWindows: [(Int, Double)]
    /// Feishu's real limits: 100 a minute and 5 a second per bot.
    let feishuWindows: [(Int, Double)] = [(100, 60), (5, 1)]
    /// Feishu bot token → signing secret.
    let feishuSecrets: [String: String]

    init(chaos: Chaos, weComWindows: [(Int, Double)], feishuSecrets: [String: String] = [:]) {
        self.chaos = chaos
        self.weComWindows = weComWindows
        self.feishuSecrets = feishuSecrets
    }

    var port: Int { server?.port ?? 0 }
    /// Accepted messages by "robot|content".
    var counts: [String: Int] { lock.withLock { accepted } }
    /// How often each thing happened: "500", "slow", "reset", "45009", "11232", "19021", "9499" …
    func count(_ what: String) -> Int { lock.withLock { tally[what] ?? 0 } }
    var injected: Int { count("500") + count("slow") + count("reset") }
    var throttled: Int { count("45009") + count("11232") }

    private func note(_ what: String) { lock.withLock { tally[what, default: 0] += 1 } }

    private func random() -> Double {
        lock.withLock {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            return Double(rng % 10_000) / 10_000
        }
    }

    func start() async throws {
        server = try await RawHTTPPeer { [self] request in handle(request) }
    }

    func stop() async { await server?.stop() }

    private func handle(_ request: RawHTTPRequest) -> RawHTTPAction {
        let r = random()
        if r < chaos.failShare { note("500"); return .answer(status: 500, body: "") }
        if r < chaos.failShare + chaos.slowShare { note("slow"); return .answer(status: 504, body: "", delayMs: chaos.slowMs) }
        if r < chaos.failShare + chaos.slowShare + chaos.resetShare { note("reset"); return .close }
        let path = request.pathAndQuery
        if path.hasPrefix("/cgi-bin/webhook/send") { return weCom(request) }
        if path.hasPrefix("/open-apis/bot/v2/hook/") { return feishu(request, token: String(path.dropFirst("/open-apis/bot/v2/hook/".count))) }
        return .answer(status: 404, body: "")
    }

    /// Records an arrival for the robot unless one of its windows is full.
    private func admit(_ robot: String, windows: [(Int, Double)]) -> Bool {
        let now = Date().timeIntervalSince1970
        return lock.withLock {
            let longest = windows.map(\.1).max() ?? 0
            var times = (sentAt[robot] ?? []).filter { now - $0 < longest }
            for (count, window) in windows where times.filter({ now - $0 < window }).count >= count { return false }
            times.append(now)
            sentAt[robot] = times
            return true
        }
    }

    private func accept(_ robot: String, _ content: String) {
        lock.withLock { accepted[robot + "|" + content, default: 0] += 1 }
    }

    private func weCom(_ request: RawHTTPRequest) -> RawHTTPAction {
        let key = request.query("key") ?? ""
        guard admit(key, windows: weComWindows) else { note("45009"); return Self.weComAnswer(45009, "api freq out of limit") }
        guard let json = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any],
              let content = (json["text"] as? [String: Any])?["content"] as? String else { return Self.weComAnswer(40035, "invalid parameter") }
        guard content.utf8.count <= 2048 else { note("40058"); return Self.weComAnswer(40058, "content exceed max length 2048") }
        accept(key, content)
        return Self.weComAnswer(0, "ok")
    }

    private func feishu(_ request: RawHTTPRequest, token: String) -> RawHTTPAction {
        guard let secret = feishuSecrets[token] else { return Self.feishuAnswer(19001, "param invalid: incoming webhook access token invalid") }
        // Feishu refuses bodies over 20 KB before looking at them.
        guard request.body.count <= 20 * 1024 else { note("9499"); return Self.feishuAnswer(9499, "request body too large") }
        guard let json = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else {
            return Self.feishuAnswer(9499, "Bad Request")
        }
        guard let tsText = json["timestamp"] as? String, let ts = Int64(tsText), let sign = json["sign"] as? String,
              abs(Date().timeIntervalSince1970 - Double(ts)) < 3600,
              FeishuSigner.verify(timestamp: ts, sign: sign, secret: secret) else {
            note("19021")
            return Self.feishuAnswer(19021, "sign match fail or timestamp is not within one hour from current time")
        }
        guard admit(token, windows: feishuWindows) else {
            note("11232")
            return Self.feishuAnswer(11232, "frequency limited psm[lark.oapi.app.platform.runtime]appID[-1]")
        }
        guard json["msg_type"] as? String == "text", let content = (json["content"] as? [String: Any])?["text"] as? String else {
            return Self.feishuAnswer(9499, "Bad Request")
        }
        accept(token, content)
        return Self.feishuAnswer(0, "success")
    }

    static func weComAnswer(_ code: Int, _ message: String) -> RawHTTPAction {
        .answer(status: 200, body: #"{"errcode":\#(code),"errmsg":"\#(message)"}"#)
    }

    static func feishuAnswer(_ code: Int, _ message: String) -> RawHTTPAction {
        .answer(status: 200, body: code == 0 ? #"{"code":0,"data":{},"msg":"success"}"# : #"{"code":\#(code),"data":{},"msg":"\#(message)"}"#)
    }
}
