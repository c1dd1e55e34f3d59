import Foundation
import Logging
import Testing
import TepaiCore
import TepaiDelivery
import TepaiStore

@Suite(.serialized) struct DeliveryLoadTests {
    @Test func underFailuresEveryMessageArrivesOnceAndNoRobotLimitIsExceeded() async throws {
        let secrets = ["feishu-bot-1": "SEC-one", "feishu-bot-2": "SEC-two"]
        let peer = ChaosPeer(chaos: .init(failShare: 0.1, slowShare: 0.05, resetShare: 0.1, slowMs: 4_000),
                             weComWindows: [(10, 1.0)], feishuSecrets: secrets)
        try await peer.start()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-load-\(UUID().uuidString).sqlite").path
        var policy = RetryPolicy()
        policy.baseSeconds = 0.05
        policy.capSeconds = 0.5
        policy.maxAttempts = 30
        let outbox = SQLiteOutbox(store: try SQLiteStore(path: path), policy: policy)
        let weCom = (1...3).map { i in
            ChannelConfig(name: "g\(i)", platform: .wecom, url: "http://127.0.0.1:\(peer.port)/cgi-bin/webhook/send?key=robot-\(i)", format: "text")
        }
        let feishu = secrets.keys.sorted().map { token in
            ChannelConfig(name: token, platform: .feishu, url: "http://127.0.0.1:\(peer.port)/open-apis/bot/v2/hook/\(token)",
                          secret: secrets[token], format: "text")
        }
        let channels = weCom + feishu
        var messages: [OutboxMessage] = []
        for c in channels {
            for n in 1...40 {
                messages.append(OutboxMessage(idempotencyKey: "\(c.name)-\(n)", channel: c.name, title: "t", content: "\(c.name) 第\(n)条",
                                              url: nil, part: 1, parts: 1, now: Date().timeIntervalSince1970))
            }
        }
        #expect(try await outbox.enqueue(messages) == 200)
        var options = TransportOptions()
        // Long enough that only the peer's deliberately slow replies time out, even on a loaded machine.
        options.totalTimeoutMs = 3_000
        var worker = OutboxWorker(outbox: outbox, sender: ChannelSender(transport: CurlTransport(options: options), logger: Logger(label: "t")),
                                  limiter: RobotRateLimiter(), channels: ChannelDirectory(channels), logger: Logger(label: "t"))
        // The WeCom peer's limit is 10 a second per robot and the worker is told the same (scaled from 20 a
        // minute); Feishu keeps its real limits, 100 a minute and 5 a second.
        worker.limits = { $0 == .feishu ? RobotLimits.of(.feishu) : RobotLimits(windows: [(10, 1.0)], cooldownAfterThrottle: 1) }
        try await worker.drain(deadline: Date().addingTimeInterval(180))
        await peer.stop()

        let counts = peer.counts
        #expect(counts.count == 200)
        #expect(counts.values.allSatisfy { $0 == 1 }, "duplicates: \(counts.filter { $0.value > 1 })")
        #expect(counts.keys.filter { $0.hasPrefix("feishu-bot-") }.count == 80)
        #expect(peer.throttled == 0, "45009: \(peer.count("45009")), 11232: \(peer.count("11232"))")
        #expect(peer.count("19021") == 0)
        #expect(peer.count("500") > 5 && peer.count("slow") > 2 && peer.count("reset") > 5,
                "500: \(peer.count("500")), slow: \(peer.count("slow")), reset: \(peer.count("reset"))")
        #expect(try await outbox.counts()[.delivered] == 200)
        let log = try await outbox.deliveryLog()
        let retries = log.filter { $0.outcome == "retry" }
        // curl silently repeats a request once when a kept-alive connection turns out closed, so how many
        // resets reach the outbox (as curl errors) varies from run to run; the next test pins that down.
        #expect(retries.count >= peer.count("500") + peer.count("slow"))
    }

    /// A connection closed without an answer is a transport error the outbox retries, not a dead letter.
    @Test func aConnectionClosedWithoutAnAnswerIsRetryable() async throws {
        let peer = ChaosPeer(chaos: .init(resetShare: 1.0), weComWindows: [])
        try await peer.start()
        let channel = ChannelConfig(name: "g", platform: .wecom, url: "http://127.0.0.1:\(peer.port)/cgi-bin/webhook/send?key=k", format: "text")
        let attempts = await ChannelSender(transport: CurlTransport(), logger: Logger(label: "t")).send([MessageBlock("x")], title: "t", to: channel)
        await peer.stop()
        // curl error 52: "Server returned nothing (no headers, no data)".
        #expect(attempts.map(\.outcome) == [.retryable(code: -52, message: "Server returned nothing (no headers, no data)")])
        #expect(peer.count("reset") >= 1)
        #expect(peer.counts.isEmpty)
    }

    /// The Feishu robot of the chaos peer really checks what it claims to: a wrong signature is 19021
    /// (permanent), a body over 20 KB is 9499 (permanent), a sixth message within a second is 11232 (retryable).
    @Test func feishuPeerChecksSigningSizeAndRate() async throws {
        let peer = ChaosPeer(chaos: .init(), weComWindows: [], feishuSecrets: ["bot": "SEC"])
        try await peer.start()
        let url = "http://127.0.0.1:\(peer.port)/open-apis/bot/v2/hook/bot"
        let transport = CurlTransport()
        let right = ChannelConfig(name: "f", platform: .feishu, url: url, secret: "SEC", format: "text")
        var wrong = right
        wrong.secret = "SEC-wrong"
        let adapter = PlatformAdapters.adapter(for: right)
        // One attempt, bypassing the splitter, so a body over the limit can be sent at all.
        func send(_ content: String, _ channel: ChannelConfig, at now: Date = Date()) async throws -> DeliveryOutcome {
            adapter.outcome(try await transport.send(try adapter.request(content: content, title: "t", url: nil, channel: channel, now: now)))
        }
        #expect(try await send("x", wrong).code == 19021)
        #expect(try await send("x", right, at: Date().addingTimeInterval(-7200)).code == 19021)
        #expect(try await send(String(repeating: "长", count: 7_000), right) == .permanent(code: 9499, message: "request body too large"))
        var outcomes: [DeliveryOutcome] = []
        for n in 1...6 { outcomes.append(try await send("第\(n)条", right)) }
        await peer.stop()
        // Six sends back to back take well under a second here; the sixth is throttled.
        #expect(outcomes.prefix(5).allSatisfy { $0 == .delivered })
        #expect(outcomes.last.map { if case .retryable(11232, _) = $0 { true } else { false } } == true, "\(outcomes)")
        #expect(peer.counts.count == 5)
    }
}
