import Foundation
import Hummingbird
import Logging
import TepaiCore
import TepaiDelivery
import TepaiStore

/// The HTTP routes. Handlers translate between HTTP and the services; they hold no logic of their own.
public enum Routes {
    public static func router(answers: AnswerService, limiter: RateLimiter, logger: Logger, metrics: Metrics = Metrics(),
                              admin: AdminAPI? = nil, callbacks: CallbackConfig = CallbackConfig(),
                              callbackEvents: any CallbackEventLog = InMemoryCallbackEventLog(),
                              transport: CurlTransport = CurlTransport(maxTransfers: 2), console: Console? = nil) -> Router<TepaiRequestContext> {
        let router = Router(context: TepaiRequestContext.self)
        router.get("/healthz") { _, _ in
            jsonResponse(["status": "ok"])
        }
        router.get("/readyz") { _, _ -> Response in
            // Ready when the store answers: a replica behind a load balancer gets traffic only then.
            do {
                _ = try await answers.storeRevision()
                return jsonResponse(["status": "ready"])
            } catch {
                logger.error("not ready", metadata: ["error": "\(error)"])
                return errorResponse(.serviceUnavailable, "the database does not answer")
            }
        }
        router.get("/metrics") { _, _ -> Response in
            let text = try await metricsText(metrics, admin: admin)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        CallbackRoutes.register(on: router, answers: answers, callbacks: callbacks, events: callbackEvents, transport: transport, logger: logger)
        console?.register(on: router)
        if let admin {
            admin.register(on: router.group("/v1").add(middleware: AdminAuthMiddleware<TepaiRequestContext>(token: admin.config.adminToken)))
        }
        router.get("/v1/query") { request, context -> Response in
            if let wait = limiter.take(context.clientKey) {
                var response = errorResponse(.tooManyRequests, "too many questions from this client; at most \(limiter.perMinute) a minute")
                response.headers[.retryAfter] = String(Int(wait.rounded(.up)))
                return response
            }
            guard let q = request.uri.queryParameters.get("q"), !q.trimmingCharacters(in: .whitespaces).isEmpty else {
                return errorResponse(.badRequest, "missing query parameter q, e.g. /v1/query?q=技术合同怎么登记")
            }
            guard q.count <= 200 else { return errorResponse(.badRequest, "question longer than 200 characters") }
            let limit = request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 3
            guard (1...50).contains(limit) else { return errorResponse(.badRequest, "limit must be 1–50") }
            do {
                let started = ContinuousClock.now
                let answer = try await answers.answer(q, limit: limit)
                let elapsed = ContinuousClock.now - started
                metrics.recordQuery(seconds: Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds), declined: answer.declined)
                return jsonResponse(answer)
            } catch {
                logger.error("query failed", metadata: ["error": "\(error)"])
                return errorResponse(.internalServerError, "the question could not be answered; see the server log")
            }
        }
        return router
    }

    static func metricsText(_ metrics: Metrics, admin: AdminAPI?) async throws -> String {
        guard let admin else { return metrics.render(outbox: [:], deliveries: [], platforms: [:]) }
        let platforms = admin.live.channels.byName.mapValues(\.platform)
        return metrics.render(outbox: try await admin.outbox.counts(), deliveries: try await admin.outbox.deliveryCounts(), platforms: platforms)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return e
    }()

    static func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func errorResponse(_ status: HTTPResponse.Status, _ message: String) -> Response {
        jsonResponse(["error": message], status: status)
    }
}
