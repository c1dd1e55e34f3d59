import Foundation
import Logging
import TepaiCore
import TepaiDelivery
import TepaiRender
import TepaiStore

/// Announces one entry to the channels it routes to: renders `Templates/announcement.mustache`, splits it
/// to each platform's limit and enqueues it in the outbox once per (channel, content, part).
public struct Announcer: Sendable {
    /// Replaced on reload (SIGHUP).
    public let templates: Live<TemplateSet>
    public let outbox: any OutboxStore
    public let channels: ChannelDirectory

    public init(templates: Live<TemplateSet>, outbox: any OutboxStore, channels: ChannelDirectory) {
        self.templates = templates
        self.outbox = outbox
        self.channels = channels
    }

    public struct Plan: Sendable {
        public var channel: ChannelConfig
        public var messages: [OutboxMessage]
    }

    /// The channels the entry reaches (restricted to `only` when given) and the messages for each.
    public func plan(_ entry: Entry, only: [String] = []) throws -> [Plan] {
        let templates = self.templates.value
        let routed = ChannelRouter.channels(for: entry, in: channels.all).filter { only.isEmpty || only.contains($0.name) }
        let context = AnswerRenderer.entryContext(entry, bodyLimit: 600)
        let now = Date().timeIntervalSince1970
        return try routed.map { channel in
            // Each channel gets the variant for its platform and format (markdown for WeCom markdown …).
            let text = try templates.render("announcement", platform: channel.platform, format: channel.format, context)
            let message = RenderedMessage(text)
            let title = message.title.isEmpty ? entry.title : message.title
            let parts = MessageSplitter(limit: PlatformAdapters.adapter(for: channel).contentLimit)
                .split(title: title, blocks: message.blocks.map { MessageBlock($0, url: entry.url) })
            var fingerprint = FNV1a()
            fingerprint.add(text)
            fingerprint.add(channel.format)
            let digest = fingerprint.hex
            let messages = parts.enumerated().map { (i, content) in
                OutboxMessage(idempotencyKey: "announce:\(channel.name):\(entry.id):\(digest):\(i + 1)", channel: channel.name,
                              title: entry.title, content: content, url: entry.url, part: i + 1, parts: parts.count, now: now)
            }
            return Plan(channel: channel, messages: messages)
        }
    }

    /// Enqueues the plan; returns how many messages were new (0 when the same announcement was queued before).
    public func enqueue(_ plans: [Plan]) async throws -> Int {
        try await outbox.enqueue(plans.flatMap(\.messages))
    }
}
