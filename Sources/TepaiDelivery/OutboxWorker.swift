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
    /// Passes `drain` keeps going at once (see there); 1 sends batch after batch.
    public var passesInFlight = 3
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
        var lanes: [String: Task<Void, any Error>] = [:]
        guard let pass = try await startPass(lanes: &lanes) else { return 0 }
        return try await pass.value
    }

    /// Claims a batch and starts sending it; nil when nothing is due. The returned task ends when every
    /// answer of the pass is recorded. `lanes` holds each robot's latest sending task: a robot's sends in
    /// this pass start only after its sends of the pass before, so passes may overlap and a robot's messages
    /// still go out in claim order (parts 1/3, 2/3 … in sequence).
    func startPass(lanes: inout [String: Task<Void, any Error>]) async throws -> Task<Int, any Error>? {
        let channels = self.channels.byName
        let claimed = try await outbox.claim(limit: batchSize, now: Self.now(), held: held(channels))
        guard !claimed.isEmpty else { return nil }
        let byRobot = Dictionary(grouping: claimed, by: { channels[$0.channel]?.url ?? $0.channel })
        let recorder = AttemptRecorder(outbox: outbox)
        let recording = Task { try await recorder.run() }
        var sends: [Task<Void, any Error>] = []
        for (robot, messages) in byRobot {
            let previous = lanes[robot]
            let send = Task {
                // The robot's previous pass may have failed; its own error is reported by its own pass.
                _ = await previous?.result
                for m in messages.sorted(by: { ($0.part, $0.id ?? 0) < ($1.part, $1.id ?? 0) }) {
                    if let r = try await attempt(m, channel: channels[m.channel]) { recorder.add(r) }
                }
            }
            lanes[robot] = send
            sends.append(send)
        }
        return Task {
            var failure: (any Error)?
            for send in sends {
                do { try await send.value } catch { failure = failure ?? error }
            }
            recorder.finish()
            let recorded = try await recording.value
            if let failure { throw failure }
            return recorded
        }
    }

    /// Sends one claimed message and returns its result; nil when it was put back to wait for the rate limit.
    func attempt(_ m: OutboxMessage, channel: ChannelConfig?) async throws -> (OutboxMessage, AttemptResult, Double)? {
        guard let channel else {
            return (m, .failed(code: -2, message: "channel \(m.channel) is no longer configured"), 0)
        }
        let limits = self.limits(channel.platform)
        let robot = channel.url.isEmpty ? channel.name : channel.url
        let reservedAt = Self.now()
        if limiter.enabled, let wait = await limiter.reserve(robot: robot, limits: limits, now: reservedAt) {
            try await outbox.release(m, until: Self.now() + wait)
            return nil
        }
        let adapter = PlatformAdapters.adapter(for: channel)
        let a = await sender.sendPart(m.content, index: m.part - 1, of: m.parts, title: m.title, url: m.url, channel: channel, adapter: adapter, now: Date())
        if limiter.enabled { await limiter.finished(robot: robot, reservedAt: reservedAt, now: Self.now()) }
        switch a.outcome {
        case .delivered: return (m, .delivered, a.seconds * 1000)
        case .retryable(let code, let message):
            if [45009, 130101, 11232, 429].contains(code) {
                await limiter.throttled(robot: robot, limits: limits, now: Self.now())
            }
            return (m, .retry(code: code, message: message), a.seconds * 1000)
        case .permanent(let code, let message): return (m, .failed(code: code, message: message), a.seconds * 1000)
        }
    }

    /// Runs until nothing is due before `deadline` (or the outbox is empty of pending work). Up to
    /// `passesInFlight` passes overlap: the next batch is claimed and starts going out while the answers of
    /// the previous one are still coming in and being written, so neither the network nor the database waits
    /// for the other between passes. (What a kill -9 can repeat grows accordingly: at most the claimed,
    /// unrecorded messages of those passes.)
    public func drain(deadline: Date) async throws {
        var lanes: [String: Task<Void, any Error>] = [:]
        var passes: [Task<Int, any Error>] = []
        // Whatever happens, no pass is left running behind the caller's back.
        defer { for pass in passes { pass.cancel() } }
        while Date() < deadline {
            if let pass = try await startPass(lanes: &lanes) {
                passes.append(pass)
                if passes.count >= max(1, passesInFlight) { _ = try await passes.removeFirst().value }
                continue
            }
            // Nothing due now: let the running passes finish (they may schedule retries), then look again.
            if !passes.isEmpty {
                while !passes.isEmpty { _ = try await passes.removeFirst().value }
                lanes.removeAll()
                continue
            }
            lanes.removeAll()
            guard let next = try await outbox.nextDue(held: held(channels.byName)) else { return }
            let wait = next - Self.now()
            if Date().addingTimeInterval(max(0, wait)) > deadline { return }
            if wait > 0 { try await Task.sleep(for: .milliseconds(Int(min(wait, 1) * 1000) + 5)) }
        }
        while !passes.isEmpty { _ = try await passes.removeFirst().value }
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
