import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TepaiCore
import TepaiDelivery

/// Questions asked to a Feishu (Lark) app bot. Feishu POSTs `url_verification` (answered with its challenge)
/// and events; with an Encrypt Key the body is `{"encrypt": …}` and the request is signed in the
/// `X-Lark-*` headers. A text message is acknowledged at once (Feishu wants the answer within 3 s and retries
/// otherwise), remembered by its `event_id` so a retry or replay is answered once, and answered in the
/// background through the open API's reply call.
struct FeishuCallback: Sendable {
    static let timestampHeader = HTTPField.Name("X-Lark-Request-Timestamp")
    static let nonceHeader = HTTPField.Name("X-Lark-Request-Nonce")
    static let signatureHeader = HTTPField.Name("X-Lark-Signature")
    /// Signed requests more than this many seconds off the clock are refused.
    static let maxSkewSeconds: Int64 = 3600

    let config: CallbackConfig
    let answers: AnswerService
    let events: any CallbackEventLog
    let replier: FeishuReplier
    let logger: Logger

    static func register(on router: Router<TepaiRequestContext>, answers: AnswerService, callbacks: CallbackConfig,
                         events: any CallbackEventLog, transport: CurlTransport, logger: Logger) {
        guard callbacks.feishuEnabled else {
            router.post("/callbacks/feishu") { _, _ in
                Routes.errorResponse(.notFound, "the Feishu callback is off: set callbacks.feishu_app_id, feishu_app_secret and feishu_verification_token")
            }
            return
        }
        let callback = FeishuCallback(config: callbacks, answers: answers, events: events,
                                      replier: FeishuReplier(config: callbacks, transport: transport), logger: logger)
        router.post("/callbacks/feishu") { request, _ in try await callback.handle(request) }
    }

    func handle(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: CallbackRoutes.maxBody)
        let raw = Data(body.readableBytesView)
        let encryptKey = config.feishuEncryptKey
        var signed = false
        if !encryptKey.isEmpty, let signatureName = Self.signatureHeader, let signature = request.headers[signatureName] {
            guard let tsName = Self.timestampHeader, let nonceName = Self.nonceHeader,
                  let timestamp = request.headers[tsName], let nonce = request.headers[nonceName], let seconds = Int64(timestamp) else {
                return Routes.errorResponse(.unauthorized, "missing X-Lark-Request-Timestamp or X-Lark-Request-Nonce header")
            }
            guard abs(Int64(Date().timeIntervalSince1970) - seconds) <= Self.maxSkewSeconds else {
                return Routes.errorResponse(.unauthorized, "stale timestamp")
            }
            guard FeishuCrypto.verify(signature: signature, timestamp: timestamp, nonce: nonce, encryptKey: encryptKey, body: raw) else {
                logger.warning("Feishu callback with a wrong signature refused")
                return Routes.errorResponse(.unauthorized, "signature does not match")
            }
            signed = true
        }
        guard var json = Self.object(raw) else { return Routes.errorResponse(.badRequest, "body is not a JSON object") }
        if let encrypted = json["encrypt"] as? String {
            guard !encryptKey.isEmpty else {
                return Routes.errorResponse(.badRequest, "the event is encrypted but callbacks.feishu_encrypt_key is not set")
            }
            let plaintext: Data
            do { plaintext = try FeishuCrypto.decrypt(encrypted, encryptKey: encryptKey) } catch {
                return Routes.errorResponse(.badRequest, error.description)
            }
            guard let event = Self.object(plaintext) else { return Routes.errorResponse(.badRequest, "the decrypted event is not a JSON object") }
            json = event
        }
        // Schema 2.0 events carry the token in `header`; url_verification at the top level.
        let header = json["header"] as? [String: Any]
        let token = (header?["token"] as? String) ?? (json["token"] as? String) ?? ""
        guard AdminAuthMiddleware<TepaiRequestContext>.constantTimeEqual(Array(token.utf8), Array(config.feishuVerificationToken.utf8)) else {
            logger.warning("Feishu callback with a wrong verification token refused")
            return Routes.errorResponse(.unauthorized, "verification token does not match")
        }
        if json["type"] as? String == "url_verification" {
            guard let challenge = json["challenge"] as? String else { return Routes.errorResponse(.badRequest, "url_verification without \"challenge\"") }
            return Routes.jsonResponse(["challenge": challenge])
        }
        // Feishu signs every event but the URL check once an Encrypt Key is set.
        guard encryptKey.isEmpty || signed else {
            return Routes.errorResponse(.unauthorized, "missing X-Lark-Signature header")
        }
        guard let header, header["event_type"] as? String == "im.message.receive_v1" else { return Self.acknowledged }
        guard let eventID = header["event_id"] as? String, !eventID.isEmpty else {
            return Routes.errorResponse(.badRequest, "header.event_id is missing")
        }
        guard let message = (json["event"] as? [String: Any])?["message"] as? [String: Any],
              let messageID = message["message_id"] as? String, !messageID.isEmpty else {
            return Routes.errorResponse(.badRequest, "event.message.message_id is missing")
        }
        guard message["message_type"] as? String == "text" else { return Self.acknowledged }
        // With the "read all group messages" scope, Feishu also delivers what was not said to the bot.
        if message["chat_type"] as? String == "group", ((message["mentions"] as? [Any]) ?? []).isEmpty { return Self.acknowledged }
        guard let content = (message["content"] as? String).flatMap({ Self.object(Data($0.utf8)) }), let text = content["text"] as? String else {
            return Routes.errorResponse(.badRequest, "event.message.content is not a JSON string with \"text\"")
        }
        do {
            guard try await events.recordFirst("feishu:" + eventID, now: Date()) else {
                logger.debug("Feishu event already answered", metadata: ["event_id": "\(eventID)"])
                return Self.acknowledged
            }
        } catch {
            logger.error("cannot record the Feishu event", metadata: ["event_id": "\(eventID)", "error": "\(error)"])
            return Routes.errorResponse(.serviceUnavailable, "the event could not be recorded; Feishu will retry")
        }
        let question = MentionStripper.strip(text)
        Task { await answer(question, messageID: messageID, eventID: eventID) }
        return Self.acknowledged
    }

    /// Runs beside the request: every failure is logged, none escapes.
    func answer(_ question: String, messageID: String, eventID: String) async {
        do {
            let text = question.isEmpty ? CallbackRoutes.emptyQuestionHint : try await answers.answer(String(question.prefix(200))).answer
            try await replier.reply(to: messageID, text: text)
            logger.info("Feishu question answered", metadata: ["event_id": "\(eventID)"])
        } catch {
            logger.error("Feishu reply failed", metadata: ["event_id": "\(eventID)", "message_id": "\(messageID)", "error": "\(error)"])
        }
    }

    static var acknowledged: Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
    }

    static func object(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
