import Foundation
import Testing
import TepaiCore
import TepaiStore
@testable import TepaiDelivery

@Suite struct OutboxTests {
    func outbox(_ policy: RetryPolicy = RetryPolicy()) throws -> SQLiteOutbox {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-outbox-\(UUID().uuidString).sqlite").path
        return SQLiteOutbox(store: try SQLiteStore(path: path), policy: policy)
    }

    func message(_ key: String, channel: String = "c", part: Int = 1) -> OutboxMessage {
        OutboxMessage(idempotencyKey: key, channel: channel, title: "t", content: "内容", url: nil, part: part, parts: 1, now: 1000)
    }

    @Test func enqueueingTheSameKeyTwiceQueuesOnce() async throws {
        let o = try outbox()
        #expect(try await o.enqueue([message("a"), message("b")]) == 2)
        #expect(try await o.enqueue([message("a"), message("c")]) == 1)
        #expect(try await o.counts()[.pending] == 3)
    }

    @Test func messagesOfHeldChannelsWaitUntouched() async throws {
        let o = try outbox()
        try await o.enqueue([message("a", channel: "on"), message("b", channel: "off"), message("c", channel: "off")])
        #expect(try await o.nextDue(held: ["on", "off"]) == nil)
        let claimed = try await o.claim(limit: 10, now: 2000, held: ["off"])
        #expect(claimed.map(\.channel) == ["on"])
        #expect(try await o.counts()[.pending] == 2)
        // Switched back on: they go, and their attempts were not counted while they waited.
        let later = try await o.claim(limit: 10, now: 2001)
        #expect(later.map(\.idempotencyKey).sorted() == ["b", "c"] && later.allSatisfy { $0.attempts == 1 })
    }

    @Test func retriesBackOffThenGoDead() async throws {
        var policy = RetryPolicy()
        policy.maxAttempts = 3
        let o = try outbox(policy)
        try await o.enqueue([message("a")])
        var now = 1000.0
        for attempt in 1...3 {
            let claimed = try await o.claim(limit: 10, now: now)
            #expect(claimed.count == 1)
            #expect(claimed.first?.attempts == attempt)
            #expect(try await o.claim(limit: 10, now: now).isEmpty)  // claimed messages are not handed out twice
            try await o.record(claimed[0], result: .retry(code: 45009, message: "freq"), latencyMs: 5, now: now, random: 0.5)
            let due = try await o.nextDue()
            if attempt < 3 {
                // Exponential: 2 s × 2^(n-1), jittered to 75% here.
                #expect(due == now + policy.delay(afterAttempt: attempt, random: 0.5))
                #expect(try await o.claim(limit: 10, now: now + 0.1).isEmpty)
                now = due ?? now
            }
        }
        #expect(try await o.counts()[.dead] == 1)
        let log = try await o.deliveryLog()
        #expect(log.count == 3)
        #expect(log.map(\.outcome) == ["retry", "retry", "dead"])
        #expect(log.allSatisfy { $0.code == 45009 })
    }

    @Test func permanentFailuresAreDeadLettersAtOnce() async throws {
        let o = try outbox()
        try await o.enqueue([message("a")])
        let m = try await o.claim(limit: 1, now: 1000)[0]
        try await o.record(m, result: .failed(code: 93000, message: "invalid webhook url"), latencyMs: 3, now: 1000)
        let stored = try await o.messages(keys: ["a"])[0]
        #expect(stored.status == .dead)
        #expect(stored.lastError == "93000: invalid webhook url")
    }

    @Test func afterACrashOnlyInFlightMessagesAreSentAgain() async throws {
        let o = try outbox()
        try await o.enqueue([message("done"), message("flying"), message("waiting")])
        let claimed = try await o.claim(limit: 2, now: 1000)
        try await o.record(claimed[0], result: .delivered, latencyMs: 1, now: 1000)
        // The process dies here with claimed[1] sent or not: its outcome is unknown.
        #expect(try await o.recoverInFlight() == 1)
        let again = try await o.claim(limit: 10, now: 1001).map(\.idempotencyKey).sorted()
        #expect(again == ["flying", "waiting"])
        #expect(try await o.messages(keys: ["done"])[0].status == .delivered)
    }

    @Test func releasedMessagesKeepTheirAttemptCount() async throws {
        let o = try outbox()
        try await o.enqueue([message("a")])
        let m = try await o.claim(limit: 1, now: 1000)[0]
        try await o.release(m, until: 1030)
        #expect(try await o.claim(limit: 1, now: 1020).isEmpty)
        #expect(try await o.claim(limit: 1, now: 1030).first?.attempts == 1)
    }
}

@Suite struct RobotRateLimiterTests {
    @Test func weComAllowsTwentyAMinute() async {
        let limiter = RobotRateLimiter()
        let limits = RobotLimits.of(.wecom)
        for i in 0..<20 { #expect(await limiter.reserve(robot: "r", limits: limits, now: Double(i)) == nil) }
        let wait = await limiter.reserve(robot: "r", limits: limits, now: 20)
        // The first send, at t=0, leaves the window at 60 s plus the safety margin (10% + 50 ms).
        #expect(abs((wait ?? 0) - 46.05) < 0.001)
        #expect(await limiter.reserve(robot: "other", limits: limits, now: 20) == nil)
        #expect(await limiter.reserve(robot: "r", limits: limits, now: 59) != nil)
        #expect(await limiter.reserve(robot: "r", limits: limits, now: 66.1) == nil)
    }

    @Test func feishuAlsoLimitsPerSecond() async {
        let limiter = RobotRateLimiter()
        let limits = RobotLimits.of(.feishu)
        for k in 0..<5 { #expect(await limiter.reserve(robot: "f", limits: limits, now: 100 + Double(k) * 0.01) == nil) }
        #expect(await limiter.reserve(robot: "f", limits: limits, now: 100.5) != nil)
        #expect(await limiter.reserve(robot: "f", limits: limits, now: 101.2) == nil)
    }

    /// A send held back on the way must not let the next ones crowd it at the platform: once answered, a send
    /// counts from its answer. Five Feishu sends leave at 100.00–100.04 but are answered from 100.3 on (the
    /// machine was busy); the sixth then waits a window after the first answer, not after the first departure.
    @Test func aSendCountsFromItsAnswer() async {
        let limiter = RobotRateLimiter()
        let limits = RobotLimits.of(.feishu)
        for k in 0..<5 {
            let at = 100 + Double(k) * 0.01
            #expect(await limiter.reserve(robot: "f", limits: limits, now: at) == nil)
            await limiter.finished(robot: "f", reservedAt: at, now: 100.3 + Double(k) * 0.01)
        }
        // Counted from the first send (100.00) the window ends at 101.15; from its answer (100.3), at 101.45.
        let wait = await limiter.reserve(robot: "f", limits: limits, now: 101.2)
        #expect(abs((wait ?? 0) - 0.25) < 0.001)
        #expect(await limiter.reserve(robot: "f", limits: limits, now: 101.46) == nil)
    }

    @Test func throttlingMutesTheRobotForItsCooldown() async {
        let limiter = RobotRateLimiter()
        let limits = RobotLimits.of(.dingtalk)
        await limiter.throttled(robot: "d", limits: limits, now: 0)
        #expect(await limiter.reserve(robot: "d", limits: limits, now: 599) == 1)
        #expect(await limiter.reserve(robot: "d", limits: limits, now: 600) == nil)
    }
}

@Suite struct ChannelRouterTests {
    let channels = [
        ChannelConfig(name: "city-policy", platform: .log, regions: ["市级"], kinds: [.policy, .training]),
        ChannelConfig(name: "qianxi", platform: .log, regions: ["迁西县"]),
        ChannelConfig(name: "matching", platform: .log, regions: ["*"], kinds: [.matching], topics: ["新材料"]),
        ChannelConfig(name: "off", platform: .log, regions: ["*"], enabled: false),
    ]

    func route(_ e: Entry) -> [String] { ChannelRouter.channels(for: e, in: channels).map(\.name) }

    @Test func routesByRegionKindAndTopic() {
        #expect(route(Entry(id: "1", kind: .training, title: "t", body: "b", region: "迁西县")) == ["qianxi"])
        #expect(route(Entry(id: "2", kind: .training, title: "t", body: "b", region: "市级")) == ["city-policy"])
        #expect(route(Entry(id: "3", kind: .policy, title: "t", body: "b", region: "")) == ["city-policy", "qianxi"])
        #expect(route(Entry(id: "4", kind: .matching, title: "t", body: "b", tags: ["新材料"], region: "迁安市")) == ["matching"])
        #expect(route(Entry(id: "5", kind: .matching, title: "t", body: "b", tags: ["农业"], region: "迁安市")).isEmpty)
    }
}
