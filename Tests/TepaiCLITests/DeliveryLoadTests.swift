import Foundation
import Logging
import Testing
import TepaiCore
import TepaiDelivery
import TepaiStore

@Suite(.serialized) struct DeliveryLoadTests {
    @Test func underFailuresEveryMessageArrivesOnceAndNoRobotLimitIsExceeded() async throws {
        let peer = ChaosPeer(failShare: 0.15, slowShare: 0.05, slowSeconds: 4.0, perWindow: 10, window: 1.0)
        try await peer.start()
        defer { peer.stop() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-load-\(UUID().uuidString).sqlite").path
        var policy = RetryPolicy()
        policy.baseSeconds = 0.05
        policy.capSeconds = 0.5
        policy.maxAttempts = 30
        let outbox = SQLiteOutbox(store: try SQLiteStore(path: path), policy: policy)
        let channels = (1...3).map { i in
            ChannelConfig(name: "g\(i)", platform: .wecom, url: "http://127.0.0.1:\(peer.port)/cgi-bin/webhook/send?key=robot-\(i)", format: "text")
        }
        var messages: [OutboxMessage] = []
        for c in channels {
            for n in 1...40 {
                messages.append(OutboxMessage(idempotencyKey: "\(c.name)-\(n)", channel: c.name, title: "t", content: "\(c.name) 第\(n)条",
                                              url: nil, part: 1, parts: 1, now: Date().timeIntervalSince1970))
            }
        }
        #expect(try await outbox.enqueue(messages) == 120)
        var options = TransportOptions()
        // Long enough that only the peer's deliberately slow replies time out, even on a loaded machine.
        options.totalTimeoutMs = 3_000
        var worker = OutboxWorker(outbox: outbox, sender: ChannelSender(transport: CurlTransport(options: options), logger: Logger(label: "t")),
                                  limiter: RobotRateLimiter(), channels: ChannelDirectory(channels), logger: Logger(label: "t"))
        // The peer's limit is 10 a second per robot; the worker is told the same (scaled from 20 a minute).
        worker.limits = { _ in RobotLimits(windows: [(10, 1.0)], cooldownAfterThrottle: 1) }
        try await worker.drain(deadline: Date().addingTimeInterval(120))

        let counts = peer.counts
        #expect(counts.count == 120)
        #expect(counts.values.allSatisfy { $0 == 1 }, "duplicates: \(counts.filter { $0.value > 1 })")
        #expect(peer.throttled == 0)
        #expect(peer.injected > 10)
        #expect(try await outbox.counts()[.delivered] == 120)
        let log = try await outbox.deliveryLog()
        #expect(log.filter { $0.outcome == "retry" }.count >= peer.injected - 5)
    }
}
