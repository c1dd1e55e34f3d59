import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TepaiCore
import TepaiDelivery

/// Questions asked in groups. DingTalk's internal robot POSTs each message that @-mentions it, signed with
/// the app secret in the `timestamp`/`sign` headers, and takes the reply in the response body. The generic
/// callback takes `{"text"}` with a bearer token and returns the JSON of `tepai query --json`. Feishu
/// (`FeishuCallback`) and the WeCom AI bot (`WeComCallback`) have their own files.
enum CallbackRoutes {
    /// Signed requests older (or newer) than this are refused, so a captured one cannot be replayed later.
    static let maxSkewMs: Int64 = 3_600_000
    static let maxBody = 64 << 10
    static let timestampHeader = HTTPField.Name("timestamp")
    static let signHeader = HTTPField.Name("sign")

    /// The reply to a message that holds nothing but the @-mention.
    static let emptyQuestionHint = "请在@我之后输入问题，例如：技术合同怎么登记"

    static func register(on router: Router<TepaiRequestContext>, answers: AnswerService, callbacks: CallbackConfig,
                         events: any CallbackEventLog, transport: CurlTransport, logger: Logger) {
        FeishuCallback.register(on: router, answers: answers, callbacks: callbacks, events: events, transport: transport, logger: logger)
        WeComCallback.register(on: router, answers: answers, callbacks: callbacks, logger: logger)
        router.post("/callbacks/dingtalk") { request, _ -> Response in
            guard !callbacks.dingTalkAppSecret.isEmpty else { return Routes.errorResponse(.notFound, "the DingTalk callback is off: set callbacks.dingtalk_app_secret") }
            guard let tsName = timestampHeader, let signName = signHeader,
                  let ts = request.headers[tsName].flatMap(Int64.init), let sign = request.headers[signName] else {
                return Routes.errorResponse(.unauthorized, "missing timestamp or sign header")
            }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            guard abs(now - ts) <= maxSkewMs else { return Routes.errorResponse(.unauthorized, "stale timestamp") }
            guard DingTalkSigner.verify(timestampMs: ts, sign: sign, secret: callbacks.dingTalkAppSecret) else {
                logger.warning("DingTalk callback with a wrong signature refused")
                return Routes.errorResponse(.unauthorized, "signature does not match")
            }
            let body = try await request.body.collect(upTo: maxBody)
            guard let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] else {
                return Routes.errorResponse(.badRequest, "body is not a JSON object")
            }
            let content = ((json["text"] as? [String: Any])?["content"] as? String) ?? ""
            let question = MentionStripper.strip(content)
            guard !question.isEmpty else { return textReply(emptyQuestionHint) }
            let answer = try await answers.answer(String(question.prefix(200)))
            return textReply(answer.answer)
        }
        router.post("/callbacks/generic") { request, _ -> Response in
            guard !callbacks.genericToken.isEmpty else { return Routes.errorResponse(.notFound, "the generic callback is off: set callbacks.generic_token") }
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
                  AdminAuthMiddleware<TepaiRequestContext>.constantTimeEqual(Array(header.utf8.dropFirst(7)), Array(callbacks.genericToken.utf8)) else {
                return Routes.errorResponse(.unauthorized, "missing or wrong token (Authorization: Bearer …)")
            }
            let body = try await request.body.collect(upTo: maxBody)
            guard let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any],
                  let text = json["text"] as? String else {
                return Routes.errorResponse(.badRequest, "expected a JSON object with \"text\"")
            }
            let question = MentionStripper.strip(text)
            guard !question.isEmpty else { return Routes.errorResponse(.badRequest, "\"text\" holds no question") }
            return Routes.jsonResponse(try await answers.answer(String(question.prefix(200))))
        }
    }

    static func textReply(_ text: String) -> Response {
        let object: [String: Any] = ["msgtype": "text", "text": ["content": text]]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Removes @-mentions ("@科技小助手", Feishu's "@_user_1") and the spaces around them from a group message.
enum MentionStripper {
    static func strip(_ text: String) -> String {
        var out = ""
        var inMention = false
        for c in text {
            if c == "@" {
                inMention = true
                continue
            }
            if inMention {
                if c.isWhitespace || c == "\u{2005}" { inMention = false }
                continue
            }
            out.append(c)
        }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
