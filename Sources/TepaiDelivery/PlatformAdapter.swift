import Foundation
import TepaiCore

/// What a platform said about one message.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Worth sending again later: throttling, 5xx, timeouts, connection failures.
    case retryable(code: Int, message: String)
    /// Will fail again as is: bad webhook, signature, keyword, other 4xx.
    case permanent(code: Int, message: String)

    public var isDelivered: Bool { self == .delivered }
}

/// The wire format of one platform: how a message becomes a request, how big a part may be, and how to read
/// the answer. All three Chinese platforms answer HTTP 200 even when they refuse, so success is read from
/// the body's code.
public protocol PlatformAdapter: Sendable {
    /// Most UTF-8 bytes of message content in one request.
    var contentLimit: Int { get }
    func request(content: String, title: String, url: String?, channel: ChannelConfig, now: Date) throws -> HTTPRequestSpec
    func outcome(_ reply: HTTPReply) -> DeliveryOutcome
}

public enum PlatformAdapters {
    public static func adapter(for channel: ChannelConfig) -> any PlatformAdapter {
        switch channel.platform {
        case .wecom: WeComAdapter(format: channel.format)
        case .dingtalk: DingTalkAdapter(format: channel.format)
        case .feishu: FeishuAdapter(format: channel.format)
        case .slack: SlackAdapter()
        case .json, .log: GenericJSONAdapter()
        }
    }
}

func jsonBody(_ object: [String: Any]) throws -> Data { try JSONBody.encode(object) }

let jsonHeaders = [("Content-Type", "application/json; charset=utf-8")]

/// Reads `errcode`/`code` style answers; HTTP-level failures first.
func codeOutcome(_ reply: HTTPReply, field: String, retryable: Set<Int>) -> DeliveryOutcome {
    if reply.status == 429 || reply.status >= 500 { return .retryable(code: reply.status, message: "HTTP \(reply.status)") }
    if reply.status >= 400 { return .permanent(code: reply.status, message: "HTTP \(reply.status)") }
    guard let object = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] else {
        return .permanent(code: reply.status, message: "answer is not JSON: \(String(decoding: reply.body.prefix(200), as: UTF8.self))")
    }
    let code = (object[field] as? Int) ?? (object["StatusCode"] as? Int) ?? -1
    let message = (object["errmsg"] as? String) ?? (object["msg"] as? String) ?? (object["StatusMessage"] as? String) ?? ""
    if code == 0 { return .delivered }
    if code == -1 { return .permanent(code: -1, message: "answer has no \(field): \(String(decoding: reply.body.prefix(200), as: UTF8.self))") }
    return retryable.contains(code) ? .retryable(code: code, message: message) : .permanent(code: code, message: message)
}

/// WeCom group robot: `text` (2048 bytes), `markdown` (4096 bytes), `news`.
public struct WeComAdapter: PlatformAdapter {
    public let format: String
    public init(format: String) { self.format = format }
    public var contentLimit: Int { format == "text" ? 2048 : format == "news" ? 512 : 4096 }

    public func request(content: String, title: String, url: String?, channel: ChannelConfig, now: Date) throws -> HTTPRequestSpec {
        let body: [String: Any]
        switch format {
        case "markdown": body = ["msgtype": "markdown", "markdown": ["content": content]]
        case "news":
            var article: [String: Any] = ["title": title, "description": content]
            if let url { article["url"] = url }
            body = ["msgtype": "news", "news": ["articles": [article]]]
        default: body = ["msgtype": "text", "text": ["content": content]]
        }
        return HTTPRequestSpec(url: channel.url, headers: jsonHeaders, body: try jsonBody(body))
    }

    public func outcome(_ reply: HTTPReply) -> DeliveryOutcome { codeOutcome(reply, field: "errcode", retryable: [45009, -1000]) }
}

/// DingTalk custom robot: `text`, `markdown{title,text}`, `actionCard`; signed URL when a secret is set.
public struct DingTalkAdapter: PlatformAdapter {
    public let format: String
    public init(format: String) { self.format = format }
    /// The body limit is 20000 bytes; leave room for the envelope and JSON escaping.
    public var contentLimit: Int { 18_000 }

    public func request(content: String, title: String, url: String?, channel: ChannelConfig, now: Date) throws -> HTTPRequestSpec {
        let body: [String: Any]
        switch format {
        case "markdown": body = ["msgtype": "markdown", "markdown": ["title": title, "text": content]]
        case "actioncard":
            var card: [String: Any] = ["title": title, "text": content]
            if let url { card["singleTitle"] = "查看详情"; card["singleURL"] = url }
            body = ["msgtype": "actionCard", "actionCard": card]
        default: body = ["msgtype": "text", "text": ["content": content]]
        }
        let target = channel.secret.map { DingTalkSigner.signedURL(channel.url, secret: $0, now: now) } ?? channel.url
        return HTTPRequestSpec(url: target, headers: jsonHeaders, body: try jsonBody(body))
    }

    public func outcome(_ reply: HTTPReply) -> DeliveryOutcome { codeOutcome(reply, field: "errcode", retryable: [130101, -1]) }
}

/// Feishu custom bot: `text`, `post`, `interactive` card; `timestamp` and `sign` in the body when signed.
public struct FeishuAdapter: PlatformAdapter {
    public let format: String
    public init(format: String) { self.format = format }
    public var contentLimit: Int { 18_000 }

    public func request(content: String, title: String, url: String?, channel: ChannelConfig, now: Date) throws -> HTTPRequestSpec {
        var body: [String: Any]
        switch format {
        case "post":
            var lines: [[[String: Any]]] = content.split(separator: "\n", omittingEmptySubsequences: false).map { [["tag": "text", "text": String($0)]] }
            if let url { lines.append([["tag": "a", "text": "查看详情", "href": url]]) }
            body = ["msg_type": "post", "content": ["post": ["zh_cn": ["title": title, "content": lines]]]]
        case "card":
            var elements: [[String: Any]] = [["tag": "markdown", "content": content]]
            if let url {
                elements.append(["tag": "action", "actions": [["tag": "button", "text": ["tag": "plain_text", "content": "查看详情"], "url": url, "type": "default"]]])
            }
            body = ["msg_type": "interactive", "card": ["header": ["title": ["tag": "plain_text", "content": title]], "elements": elements]]
        default: body = ["msg_type": "text", "content": ["text": content]]
        }
        if let secret = channel.secret {
            let ts = Int64(now.timeIntervalSince1970)
            body["timestamp"] = String(ts)
            body["sign"] = FeishuSigner.sign(timestamp: ts, secret: secret)
        }
        return HTTPRequestSpec(url: channel.url, headers: jsonHeaders, body: try jsonBody(body))
    }

    public func outcome(_ reply: HTTPReply) -> DeliveryOutcome { codeOutcome(reply, field: "code", retryable: [11232]) }
}

/// Slack incoming webhook: `{"text"}`; answers plain `ok`.
public struct SlackAdapter: PlatformAdapter {
    public init() {}
    public var contentLimit: Int { 39_000 }

    public func request(content: String, title: String, url: String?, channel: ChannelConfig, now: Date) throws -> HTTPRequestSpec {
        HTTPRequestSpec(url: channel.url, headers: jsonHeaders, body: try jsonBody(["text": content]))
    }

    public func outcome(_ reply: HTTPReply) -> DeliveryOutcome {
        if reply.status == 429 || reply.status >= 500 { return .retryable(code: reply.status, message: "HTTP \(reply.status)") }
        if reply.status >= 300 { return .permanent(code: reply.status, message: String(decoding: reply.body.prefix(200), as: UTF8.self)) }
        return .delivered
    }
}

/// Generic JSON webhook: `{"title", "text", "url"}`; any 2xx is success.
public struct GenericJSONAdapter: PlatformAdapter {
    public init() {}
    public var contentLimit: Int { 18_000 }

    public func request(content: String, title: String, url: String?, channel: ChannelConfig, now: Date) throws -> HTTPRequestSpec {
        var body: [String: Any] = ["title": title, "text": content]
        if let url { body["url"] = url }
        return HTTPRequestSpec(url: channel.url, headers: jsonHeaders, body: try jsonBody(body))
    }

    public func outcome(_ reply: HTTPReply) -> DeliveryOutcome {
        if reply.status == 429 || reply.status >= 500 { return .retryable(code: reply.status, message: "HTTP \(reply.status)") }
        if reply.status >= 300 { return .permanent(code: reply.status, message: "HTTP \(reply.status)") }
        return .delivered
    }
}
