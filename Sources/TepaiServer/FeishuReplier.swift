import Foundation
import Logging
import TepaiCore
import TepaiDelivery

/// A Feishu open API call that did not succeed: the step, and Feishu's `code`/`msg` (or the HTTP status).
struct FeishuAPIError: Error, CustomStringConvertible {
    var step: String
    var code: Int
    var message: String
    var description: String { "Feishu \(step) failed: code \(code), \(message)" }

    /// Codes of an invalid or expired tenant_access_token: fetch a new one and try once more.
    var isTokenRejected: Bool { [99_991_661, 99_991_663, 99_991_668].contains(code) }
}

/// The app's tenant_access_token, fetched with its App ID and App Secret and kept until five minutes before
/// it expires. Concurrent callers wait on one fetch.
actor FeishuTenantToken {
    private let apiBase: String
    private let appID: String
    private let appSecret: String
    private let transport: CurlTransport
    private var cached: (token: String, refreshAt: Date)?
    private var inFlight: Task<(String, Int), Error>?

    init(apiBase: String, appID: String, appSecret: String, transport: CurlTransport) {
        self.apiBase = apiBase
        self.appID = appID
        self.appSecret = appSecret
        self.transport = transport
    }

    func token(now: Date = Date()) async throws -> String {
        if let cached, now < cached.refreshAt { return cached.token }
        let task: Task<(String, Int), Error>
        if let inFlight {
            task = inFlight
        } else {
            let url = "\(apiBase)/open-apis/auth/v3/tenant_access_token/internal"
            let body = try JSONSerialization.data(withJSONObject: ["app_id": appID, "app_secret": appSecret])
            let transport = self.transport
            task = Task { try await Self.fetch(url: url, body: body, transport: transport) }
            inFlight = task
        }
        defer { inFlight = nil }
        let (token, expire) = try await task.value
        cached = (token, now.addingTimeInterval(TimeInterval(max(0, expire - 300))))
        return token
    }

    /// Drops the cached token (Feishu said it is invalid).
    func invalidate() {
        cached = nil
    }

    private static func fetch(url: String, body: Data, transport: CurlTransport) async throws -> (String, Int) {
        let reply = try await transport.send(HTTPRequestSpec(url: url, headers: [("Content-Type", "application/json; charset=utf-8")], body: body))
        let json = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
        let code = (json["code"] as? NSNumber)?.intValue ?? -1
        guard code == 0, let token = json["tenant_access_token"] as? String, !token.isEmpty else {
            throw FeishuAPIError(step: "tenant_access_token", code: json["code"] == nil ? reply.status : code,
                                 message: json["msg"] as? String ?? "HTTP \(reply.status), no code in the answer")
        }
        return (token, (json["expire"] as? NSNumber)?.intValue ?? 0)
    }
}

/// Replies in a chat through Feishu's open API: POST /open-apis/im/v1/messages/{message_id}/reply as the app.
/// Success is `code == 0` in the body, whatever the HTTP status.
final class FeishuReplier: Sendable {
    let apiBase: String
    let tokens: FeishuTenantToken
    private let transport: CurlTransport

    init(config: CallbackConfig, transport: CurlTransport) {
        apiBase = config.feishuAPIBase
        self.transport = transport
        tokens = FeishuTenantToken(apiBase: config.feishuAPIBase, appID: config.feishuAppID, appSecret: config.feishuAppSecret, transport: transport)
    }

    /// Sends `text` as a reply to the message; a rejected token is renewed and the reply tried once more.
    func reply(to messageID: String, text: String) async throws {
        do {
            try await send(messageID, text, token: try await tokens.token())
        } catch let error as FeishuAPIError where error.isTokenRejected {
            await tokens.invalidate()
            try await send(messageID, text, token: try await tokens.token())
        }
    }

    private func send(_ messageID: String, _ text: String, token: String) async throws {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "_-")
        guard let id = messageID.addingPercentEncoding(withAllowedCharacters: allowed), !id.isEmpty else {
            throw FeishuAPIError(step: "reply", code: -1, message: "empty message_id")
        }
        // `content` is itself a JSON string: {"text": "…"}.
        let content = String(decoding: try JSONSerialization.data(withJSONObject: ["text": text], options: [.withoutEscapingSlashes]), as: UTF8.self)
        let body = try JSONSerialization.data(withJSONObject: ["msg_type": "text", "content": content], options: [.withoutEscapingSlashes])
        let reply = try await transport.send(HTTPRequestSpec(
            url: "\(apiBase)/open-apis/im/v1/messages/\(id)/reply",
            headers: [("Content-Type", "application/json; charset=utf-8"), ("Authorization", "Bearer \(token)")], body: body))
        let json = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
        guard let code = (json["code"] as? NSNumber)?.intValue else {
            throw FeishuAPIError(step: "reply", code: reply.status, message: "HTTP \(reply.status), no code in the answer")
        }
        guard code == 0 else { throw FeishuAPIError(step: "reply", code: code, message: json["msg"] as? String ?? "") }
    }
}
