import Foundation
import Logging
import TepaiCore
import TepaiStore

/// Sends what the outbox holds: claims due messages, respects each robot's rate limit, sends through the
/// platform adapter, and records the answer (delivered, retry with backoff, or dead letter).
public struct OutboxWorker: Sendable {
    public let outbox: any OutboxStore
    public let sender: ChannelSender
    public let limiter: RobotRateLimiter
    public let channels: ChannelDirectory
    public let logger: Logger
    public var batchSize = 32
    /// The platforms' limits; tests and benchmarks may scale them.
    public var limits: @Sendable (Platform) -> RobotLimits = { RobotLimits.of($0) }

    public init(outbox: any OutboxStore, sender: ChannelSender, limiter: RobotRateLimiter, channels: ChannelDirectory, logger: Logger) {
        self.outbox = outbox
        self.sender = sender
        self.limiter = limiter
        self.channels = channels
        self.logger = logger
    }

    /// Channels switched off: their messages wait in the outbox until they are switched on again.
    func held(_ channels: [String: ChannelConfig]) -> Set<String> {
        Set(channels.values.filter { !$0.enabled }.map(\.name))
    }

    static func now() -> Double { Date().timeIntervalSince1970 }

    /// One pass: claims up to `batchSize` due messages and sends them concurrently (one task per robot, so
    /// parts of one message keep their order), recording each answer as it comes. Returns how many attempts
    /// were made.
    @discardableResult
    public func runOnce() async throws -> Int {
        let channels = self.channels.byName
        let claimed = try await outbox.claim(limit: batchSize, now: Self.now(), held: held(channels))
        guard !claimed.isEmpty else { return 0 }
        let byRobot = Dictionary(grouping: claimed, by: { channels[$0.channel]?.url ?? $0.channel })
        let recorder = AttemptRecorder(outbox: outbox)
        async let recorded = recorder.run()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (_, messages) in byRobot {
                    group.addTask {
                        for m in messages.sorted(by: { ($0.part, $0.id ?? 0) < ($1.part, $1.id ?? 0) }) {
                            if let r = try await attempt(m, channel: channels[m.channel]) { recorder.add(r) }
                        }
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            recorder.finish()
            _ = try? await recorded
            throw error
        }
        recorder.finish()
        return try await recorded
    }

    /// Sends one claimed message and returns its result; nil when it was put back to wait for the rate limit.
    func attempt(_ m: OutboxMessage, channel: ChannelConfig?) async throws -> (OutboxMessage, AttemptResult, Double)? {
        guard let channel else {
            return (m, .failed(code: -2, message: "channel \(m.channel) is no longer configured"), 0)
        }
        let limits = self.limits(channel.platform)
        if let wait = await limiter.reserve(robot: channel.url.isEmpty ? channel.name : channel.url, limits: limits, now: Self.now()) {
            try await outbox.release(m, until: Self.now() + wait)
            return nil
        }
        let adapter = PlatformAdapters.adapter(for: channel)
        let a = await sender.sendPart(m.content, index: m.part - 1, of: m.parts, title: m.title, url: m.url, channel: channel, adapter: adapter, now: Date())
        switch a.outcome {
        case .delivered: return (m, .delivered, a.seconds * 1000)
        case .retryable(let code, let message):
            if [45009, 130101, 11232, 429].contains(code) {
                await limiter.throttled(robot: channel.url, limits: limits, now: Self.now())
            }
            return (m, .retry(code: code, message: message), a.seconds * 1000)
        case .permanent(let code, let message): return (m, .failed(code: code, message: message), a.seconds * 1000)
        }
    }

    /// Runs until nothing is due before `deadline` (or the outbox is empty of pending work).
    public func drain(deadline: Date) async throws {
        while Date() < deadline {
            let made = try await runOnce()
            if made > 0 { continue }
            guard let next = try await outbox.nextDue(held: held(channels.byName)) else { return }
            let wait = next - Self.now()
            if Date().addingTimeInterval(max(0, wait)) > deadline { return }
            if wait > 0 { try await Task.sleep(for: .milliseconds(Int(min(wait, 1) * 1000) + 5)) }
        }
    }
}

/// Which channels an entry reaches: enabled channels whose regions, kinds and topics all match.
public enum ChannelRouter {
    public static func channels(for entry: Entry, in channels: [ChannelConfig]) -> [ChannelConfig] {
        channels.filter { $0.enabled && accepts($0, entry) }
    }

    /// Whether the channel's subscription covers the entry: its region (a national rule, region "", concerns
    /// every region), its kind and, when the channel lists topics, one of its tags.
    public static func accepts(_ c: ChannelConfig, _ entry: Entry) -> Bool {
        let region = c.regions.contains("*") || entry.region.isEmpty || c.regions.contains(entry.region)
        let kind = c.kinds.isEmpty || c.kinds.contains(entry.kind)
        let topic = c.topics.isEmpty || !Set(c.topics).isDisjoint(with: entry.tags)
        return region && kind && topic
    }
}
