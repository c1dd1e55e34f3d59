import Foundation
import Hummingbird
import TepaiDelivery

/// A WeCom-like peer that misbehaves on purpose: a share of requests get HTTP 500 or a reply slower than the
/// client's timeout (neither is accepted), and each key may send at most `perWindow` messages per `window`
/// seconds, else 45009. It counts every accepted message, so duplicates and limit breaches show.
final class ChaosPeer: @unchecked Sendable {
    private let lock = NSLock()
    private var accepted: [String: Int] = [:]
    private var sentAt: [String: [Double]] = [:]
    private var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
    private(set) var throttled = 0
    private(set) var injected = 0
    private var task: Task<Void, Error>?
    private(set) var port = 0

    let failShare: Double
    let slowShare: Double
    let slowSeconds: Double
    let perWindow: Int
    let window: Double

    init(failShare: Double, slowShare: Double, slowSeconds: Double, perWindow: Int, window: Double) {
        self.failShare = failShare
        self.slowShare = slowShare
        self.slowSeconds = slowSeconds
        self.perWindow = perWindow
        self.window = window
    }

    var counts: [String: Int] { lock.withLock { accepted } }

    private func random() -> Double {
        lock.withLock {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            return Double(rng % 10_000) / 10_000
        }
    }

    func start() async throws {
        let router = Router()
        router.post("/cgi-bin/webhook/send") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let key: String = request.uri.queryParameters.get("key").map { String($0) } ?? ""
            let r = self.random()
            if r < self.failShare {
                self.lock.withLock { self.injected += 1 }
                return Response(status: .internalServerError)
            }
            if r < self.failShare + self.slowShare {
                self.lock.withLock { self.injected += 1 }
                try await Task.sleep(for: .milliseconds(Int(self.slowSeconds * 1000)))
                return Response(status: .gatewayTimeout)
            }
            let now = Date().timeIntervalSince1970
            let allowed: Bool = self.lock.withLock {
                var times = (self.sentAt[key] ?? []).filter { now - $0 < self.window }
                guard times.count < self.perWindow else { self.throttled += 1; return false }
                times.append(now)
                self.sentAt[key] = times
                return true
            }
            guard allowed else { return PlatformPeer.answer(45009, "api freq out of limit") }
            guard let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                  let content = (json["text"] as? [String: Any])?["content"] as? String else { return PlatformPeer.answer(40035, "invalid parameter") }
            self.lock.withLock { self.accepted[key + "|" + content, default: 0] += 1 }
            return PlatformPeer.answer(0, "ok")
        }
        (port, task) = await runLocalServer(router)
    }

    func stop() { task?.cancel() }
}
