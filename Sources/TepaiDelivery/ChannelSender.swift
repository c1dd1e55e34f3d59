import Foundation
import Logging
import TepaiCore

/// The result of one HTTP attempt, for the delivery log and `channels test`.
public struct DeliveryAttempt: Sendable {
    public var channel: String
    public var part: Int
    public var parts: Int
    public var outcome: DeliveryOutcome
    public var seconds: Double
    public var bytes: Int
}

/// Sends one message to one channel now: split to the platform's byte limit, signed, posted through libcurl,
/// judged by the platform's answer. (The durable outbox with retries sits on top of this.)
public struct ChannelSender: Sendable {
    public let transport: CurlTransport
    public let logger: Logger

    public init(transport: CurlTransport, logger: Logger) {
        self.transport = transport
        self.logger = logger
    }

    public func send(_ blocks: [MessageBlock], title: String, url: String? = nil, to channel: ChannelConfig,
                     now: @Sendable () -> Date = { Date() }) async -> [DeliveryAttempt] {
        let adapter = PlatformAdapters.adapter(for: channel)
        let parts = MessageSplitter(limit: adapter.contentLimit).split(title: title, blocks: blocks)
        var attempts: [DeliveryAttempt] = []
        for (i, part) in parts.enumerated() {
            let attempt = await sendPart(part, index: i, of: parts.count, title: title, url: url, channel: channel, adapter: adapter, now: now())
            attempts.append(attempt)
            // A refused part stops the rest: the group would see a message with holes.
            if !attempt.outcome.isDelivered { break }
        }
        return attempts
    }

    func sendPart(_ content: String, index: Int, of count: Int, title: String, url: String?, channel: ChannelConfig,
                  adapter: any PlatformAdapter, now: Date) async -> DeliveryAttempt {
        var attempt = DeliveryAttempt(channel: channel.name, part: index + 1, parts: count, outcome: .delivered, seconds: 0, bytes: content.utf8.count)
        if channel.platform == .log {
            logger.info("message", metadata: ["channel": "\(channel.name)", "part": "\(index + 1)/\(count)", "text": "\(content)"])
            return attempt
        }
        do {
            var request = try adapter.request(content: content, title: title, url: url, channel: channel, now: now)
            // The configuration decides: without a proxy key the webhook is reached directly, whatever
            // http_proxy the daemon's environment happens to carry.
            request.proxy = channel.proxy ?? ""
            request.noProxy = channel.noProxy
            let reply = try await transport.send(request)
            attempt.seconds = reply.seconds
            attempt.outcome = adapter.outcome(reply)
        } catch let e as TransportError {
            attempt.outcome = .retryable(code: -e.code, message: e.message)
        } catch is CancellationError {
            // The daemon is stopping and the transport dropped the request: whether the platform got it is
            // unknown, as after a crash, so it is tried again later, never made a dead letter.
            attempt.outcome = .retryable(code: -3, message: "cancelled while sending (shutting down); outcome unknown")
        } catch {
            attempt.outcome = .permanent(code: -1, message: "\(error)")
        }
        // Metadata is built only when the line is logged: this runs for every message.
        let part = "\(index + 1)/\(count)"
        switch attempt.outcome {
        case .delivered:
            logger.debug("delivered", metadata: ["channel": "\(channel.name)", "part": "\(part)"])
        case .retryable(let code, let message), .permanent(let code, let message):
            logger.warning("delivery failed", metadata: [
                "channel": "\(channel.name)", "url": "\(SecretMasker.maskURL(channel.url))", "part": "\(part)",
                "code": "\(code)", "message": "\(message)",
                "proxy": "\(channel.proxy.map(SecretMasker.maskProxy) ?? "none")",
            ])
        }
        return attempt
    }
}

extension ChannelSender {
    /// Sends the short test message an administrator asks for (CLI or admin API) and returns each part's
    /// answer; it bypasses the outbox, so the platform's errcode comes back at once.
    public func sendTest(to channel: ChannelConfig, timeZone: TimeZone, now: Date = Date()) async -> [DeliveryAttempt] {
        let stamp = LocalDateTime.from(now, in: timeZone)
        return await send([MessageBlock("这是 tepai 的测试消息（\(stamp.date) \(stamp.clockText)），收到即表示本群的推送已配置好。")],
                          title: "tepai 测试", to: channel)
    }
}

extension DeliveryOutcome {
    /// The platform's code (errcode / code / HTTP status); 0 when delivered.
    public var code: Int {
        switch self {
        case .delivered: 0
        case .retryable(let code, _), .permanent(let code, _): code
        }
    }

    /// One line for an administrator: "ok", or the platform's code and message and whether it will be retried.
    public var summary: String {
        switch self {
        case .delivered: "ok"
        case .retryable(let code, let message): "FAILED, retryable (code \(code): \(message))"
        case .permanent(let code, let message): "FAILED (code \(code): \(message))"
        }
    }
}
