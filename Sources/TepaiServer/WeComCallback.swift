import Foundation
import Hummingbird
import Logging
import TepaiCore

/// Questions asked to a WeCom AI bot (智能机器人, API mode). WeCom checks the URL with a signed GET whose
/// `echostr` is decrypted and echoed, then POSTs each message that @-mentions the bot as `{"encrypt": …}` with
/// `msg_signature`, `timestamp` and `nonce` in the query. The answer goes back in the response: an encrypted
/// `stream` message that is finished at once (the answer is ready, so WeCom needs no refresh calls).
struct WeComCallback: Sendable {
    /// WeCom's limit on a stream message's content, in bytes of UTF-8.
    static let maxContentBytes = 20_480

    let token: String
    let key: [UInt8]
    let answers: AnswerService
    let logger: Logger

    static func register(on router: Router<TepaiRequestContext>, answers: AnswerService, callbacks: CallbackConfig, logger: Logger) {
        guard callbacks.weComEnabled, let key = WeComCrypto.key(callbacks.weComEncodingAESKey) else {
            let off = Routes.errorResponse(.notFound, "the WeCom callback is off: set callbacks.wecom_token and wecom_encoding_aes_key")
            router.get("/callbacks/wecom") { _, _ in off }
            router.post("/callbacks/wecom") { _, _ in off }
            return
        }
        let callback = WeComCallback(token: callbacks.weComToken, key: key, answers: answers, logger: logger)
        router.get("/callbacks/wecom") { request, _ in callback.verifyURL(request) }
        router.post("/callbacks/wecom") { request, _ in try await callback.handle(request) }
    }

    struct Signed {
        var signature: String
        var timestamp: String
        var nonce: String
    }

    /// Why a request's signature fields were refused (answered 401).
    struct Refusal: Error {
        var message: String
    }

    /// The query's signature fields, or why they are refused.
    func signed(_ request: Request) -> Result<Signed, Refusal> {
        let q = request.uri.queryParameters
        guard let signature = q.get("msg_signature"), let timestamp = q.get("timestamp"), let nonce = q.get("nonce"),
              let seconds = Int64(timestamp) else {
            return .failure(Refusal(message: "missing msg_signature, timestamp or nonce"))
        }
        guard abs(Int64(Date().timeIntervalSince1970) - seconds) <= FeishuCallback.maxSkewSeconds else {
            return .failure(Refusal(message: "stale timestamp"))
        }
        return .success(Signed(signature: signature, timestamp: timestamp, nonce: nonce))
    }

    func verifyURL(_ request: Request) -> Response {
        let s: Signed
        switch signed(request) {
        case .success(let value): s = value
        case .failure(let refusal): return Routes.errorResponse(.unauthorized, refusal.message)
        }
        guard let echo = request.uri.queryParameters.get("echostr"), !echo.isEmpty else {
            return Routes.errorResponse(.badRequest, "missing echostr")
        }
        guard WeComCrypto.verify(signature: s.signature, token: token, timestamp: s.timestamp, nonce: s.nonce, encrypted: echo) else {
            logger.warning("WeCom URL check with a wrong signature refused")
            return Routes.errorResponse(.unauthorized, "signature does not match")
        }
        do {
            let plain = try WeComCrypto.decrypt(echo, key: key).message
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: plain)))
        } catch {
            return Routes.errorResponse(.badRequest, "echostr \(error.description)")
        }
    }

    func handle(_ request: Request) async throws -> Response {
        let s: Signed
        switch signed(request) {
        case .success(let value): s = value
        case .failure(let refusal): return Routes.errorResponse(.unauthorized, refusal.message)
        }
        let body = try await request.body.collect(upTo: CallbackRoutes.maxBody)
        guard let encrypted = FeishuCallback.object(Data(body.readableBytesView))?["encrypt"] as? String else {
            return Routes.errorResponse(.badRequest, "expected a JSON object with \"encrypt\"")
        }
        guard WeComCrypto.verify(signature: s.signature, token: token, timestamp: s.timestamp, nonce: s.nonce, encrypted: encrypted) else {
            logger.warning("WeCom callback with a wrong signature refused")
            return Routes.errorResponse(.unauthorized, "signature does not match")
        }
        let message: [String: Any]
        do {
            guard let object = FeishuCallback.object(try WeComCrypto.decrypt(encrypted, key: key).message) else {
                return Routes.errorResponse(.badRequest, "the decrypted message is not a JSON object")
            }
            message = object
        } catch {
            return Routes.errorResponse(.badRequest, "\"encrypt\" \(error.description)")
        }
        // Only text questions are answered; events, pictures and stream refreshes get an empty 200 (no reply).
        guard message["msgtype"] as? String == "text", let text = (message["text"] as? [String: Any])?["content"] as? String else {
            return Response(status: .ok)
        }
        let question = MentionStripper.strip(text)
        let answer = question.isEmpty ? CallbackRoutes.emptyQuestionHint : try await answers.answer(String(question.prefix(200))).answer
        let reply: [String: Any] = [
            "msgtype": "stream",
            "stream": ["id": Self.streamID(), "finish": true, "content": Self.clip(answer, bytes: Self.maxContentBytes)],
        ]
        let sealed = try WeComCrypto.encrypt(try JSONSerialization.data(withJSONObject: reply, options: [.withoutEscapingSlashes]), key: key)
        let envelope: [String: Any] = [
            "encrypt": sealed, "timestamp": s.timestamp, "nonce": s.nonce,
            "msgsignature": WeComCrypto.signature(token: token, timestamp: s.timestamp, nonce: s.nonce, encrypted: sealed),
        ]
        let data = try JSONSerialization.data(withJSONObject: envelope, options: [.withoutEscapingSlashes])
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func streamID() -> String {
        (0..<8).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    /// The longest prefix of whole characters that fits in `bytes` of UTF-8.
    static func clip(_ text: String, bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var out = ""
        var used = 0
        for c in text {
            let n = c.utf8.count
            guard used + n <= bytes else { break }
            out.append(c)
            used += n
        }
        return out
    }
}
