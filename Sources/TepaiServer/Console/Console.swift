import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TepaiCore
import TepaiRender
import TepaiStore

/// The administrators' web console under `/console/`: server-rendered pages from `Templates/console/` over
/// the same services as the JSON admin API (`AdminAPI`). Sign-in takes the admin token and gives a session
/// cookie; every form carries the session's CSRF token and a POST without it changes nothing.
public struct Console: Sendable {
    let admin: AdminAPI
    let templates: TemplateSet
    let stylesheet: String
    let sessions: ConsoleSessions
    let overrides: any ScheduleOverrideStore
    /// Set the cookie's `Secure` flag (the console is served over HTTPS, usually behind a proxy).
    let secureCookies: Bool
    /// Sign-in attempts per client address and minute, so the admin token cannot be guessed at speed.
    let signInLimiter = RateLimiter(perMinute: 10)
    let logger: Logger

    static let cookieName = "tepai_console"

    /// Loads the console's templates and stylesheet from `<templates>/console/`; a missing or broken one
    /// stops the daemon at start with the file and line.
    public init(admin: AdminAPI, templatesPath: String, secureCookies: Bool, logger: Logger) throws {
        let dir = (templatesPath as NSString).appendingPathComponent("console")
        templates = try TemplateSet(directory: dir)
        let missing = Self.pages.subtracting(templates.names)
        guard missing.isEmpty else {
            throw TemplateError(file: dir, line: nil, reason: "console templates missing: \(missing.sorted().map { "\($0).mustache" }.joined(separator: ", "))")
        }
        let cssPath = (dir as NSString).appendingPathComponent("console.css")
        guard let css = try? String(contentsOfFile: cssPath, encoding: .utf8) else {
            throw TemplateError(file: cssPath, line: nil, reason: "the console's stylesheet cannot be read")
        }
        stylesheet = css
        self.admin = admin
        sessions = ConsoleSessions()
        overrides = admin.store.makeScheduleOverrides()
        self.secureCookies = secureCookies
        self.logger = logger
    }

    /// Whether the templates folder has the console's folder at all.
    public static func hasTemplates(in templatesPath: String) -> Bool {
        var isDirectory: ObjCBool = false
        let dir = (templatesPath as NSString).appendingPathComponent("console")
        return FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static let pages: Set<String> = [
        "layout", "login", "message", "dashboard", "channels", "schedules", "digests", "content", "entry", "import", "announce", "link",
    ]

    /// What a guarded handler gets: the request, the signed-in session and, for a POST, the checked form.
    struct Call: Sendable {
        var request: Request
        var context: TepaiRequestContext
        var session: ConsoleSession
        var form: ConsoleForm
        func query(_ name: String) -> String { request.uri.queryParameters.get(name) ?? "" }
    }

    func register(on router: Router<TepaiRequestContext>) {
        router.get("/console/console.css") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: stylesheet)))
        }
        router.get("/console/login") { request, _ -> Response in
            if admin.config.adminToken.isEmpty { return disabledPage() }
            if let id = Self.cookie(request, Self.cookieName), sessions.session(id) != nil { return Self.redirect("/console") }
            return page("login", title: "登录", session: nil, [:])
        }
        router.post("/console/login") { request, context -> Response in
            if let wait = signInLimiter.take(context.clientKey) {
                return message("请稍后再试", "登录尝试过于频繁，请 \(Int(wait.rounded(.up))) 秒后再试。", status: .tooManyRequests, session: nil)
            }
            return try await signIn(request)
        }
        router.get("/console/enter") { request, _ -> Response in
            if admin.config.adminToken.isEmpty { return disabledPage() }
            guard let ticket = request.uri.queryParameters.get("ticket"), let next = sessions.redeem(ticket) else {
                return message("链接无效", "这个登录链接无效、已用过或已过期（两分钟内有效，只能用一次）。请重新登录。", status: .forbidden, session: nil)
            }
            let session = sessions.create()
            var response = Self.redirect(next)
            response.headers.append(HTTPField(name: .setCookie, value: cookieHeader(session.id)))
            return response
        }
        router.post("/console/logout", use: guarded { call in
            sessions.remove(call.session.id)
            var response = Self.redirect("/console/login")
            response.headers.append(HTTPField(name: .setCookie, value: cookieHeader("", maxAge: 0)))
            return response
        })
        router.post("/console/links", use: guarded { call in
            let next = call.form.trimmed("next")
            let target = Self.isConsolePath(next) ? next : "/console"
            let ticket = sessions.issueTicket(next: target)
            // The full address to type or scan on the phone: the host this page was asked for.
            let host = call.request.head.authority ?? "\(admin.config.serverHost):\(admin.config.serverPort)"
            let origin = "\(secureCookies ? "https" : "http")://\(host)"
            return page("link", title: "一次性登录链接", session: call.session, ["ticket": ticket, "next": target, "origin": origin])
        })
        registerPages(on: router)
        registerContent(on: router)
    }

    /// A console path to go to after a sign-in link: never another site.
    static func isConsolePath(_ path: String) -> Bool {
        (path == "/console" || path.hasPrefix("/console/")) && !path.contains("//") && !path.contains("\\") && !path.contains("..")
    }

    func signIn(_ request: Request) async throws -> Response {
        if admin.config.adminToken.isEmpty { return disabledPage() }
        let form = try await readForm(request)
        let token = form.trimmed("token")
        guard !token.isEmpty else {
            return page("login", title: "登录", session: nil, ["errors": ["token": "请填写管理令牌。"]], status: .unprocessableContent)
        }
        guard AdminAuthMiddleware<TepaiRequestContext>.constantTimeEqual(Array(token.utf8), Array(admin.config.adminToken.utf8)) else {
            logger.warning("console sign-in refused: wrong token")
            return page("login", title: "登录", session: nil, ["errors": ["token": "管理令牌不正确。"]], status: .unauthorized)
        }
        let session = sessions.create()
        logger.notice("console sign-in")
        var response = Self.redirect("/console")
        response.headers.append(HTTPField(name: .setCookie, value: cookieHeader(session.id)))
        return response
    }

    func cookieHeader(_ value: String, maxAge: Int? = nil) -> String {
        var parts = ["\(Self.cookieName)=\(value)", "Path=/console", "HttpOnly", "SameSite=Strict"]
        parts.append("Max-Age=\(maxAge ?? Int(sessions.lifetime))")
        if secureCookies { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    /// Runs `handler` only for a signed-in administrator; a POST must also carry the session's CSRF token.
    /// Without a session the browser is sent to the sign-in page; with a wrong token the answer is 403. In
    /// both cases nothing is changed.
    func guarded(_ handler: @escaping @Sendable (Call) async throws -> Response) -> @Sendable (Request, TepaiRequestContext) async throws -> Response {
        { request, context in
            if admin.config.adminToken.isEmpty { return disabledPage() }
            guard let id = Self.cookie(request, Self.cookieName), let session = sessions.session(id) else {
                return Self.redirect("/console/login")
            }
            var form = ConsoleForm()
            if request.method == .post {
                form = try await readForm(request)
                guard AdminAuthMiddleware<TepaiRequestContext>.constantTimeEqual(Array(form["csrf"].utf8), Array(session.csrf.utf8)) else {
                    logger.warning("console form refused: missing or wrong CSRF token", metadata: ["path": "\(request.uri.path)"])
                    return message("请求被拒绝", "表单校验失败（缺少或错误的 CSRF 令牌），没有做任何修改。请回到页面刷新后重试。",
                                   status: .forbidden, session: session)
                }
            }
            return try await handler(Call(request: request, context: context, session: session, form: form))
        }
    }

    func readForm(_ request: Request) async throws -> ConsoleForm {
        let buffer = try await request.body.collect(upTo: admin.maxBodyBytes)
        return ConsoleForm(contentType: request.headers[.contentType] ?? "", body: Data(buffer.readableBytesView))
    }

    static func cookie(_ request: Request, _ name: String) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let kv = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0] == name, !kv[1].isEmpty { return String(kv[1]) }
            }
        }
        return nil
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// Renders a page inside the layout (navigation, sign-out form with the CSRF token).
    func page(_ name: String, title: String, session: ConsoleSession?, _ context: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        var context = context
        context["csrf"] = session?.csrf ?? ""
        let body: String
        do {
            body = try templates.render(name, context)
        } catch {
            logger.error("console template failed", metadata: ["template": "\(name)", "error": "\(error)"])
            return Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "console template \(name) failed; see the server log")))
        }
        let nav: [[String: Any]] = session == nil ? [] : [
            ("/console", "概览", "dashboard"), ("/console/channels", "群", "channels"), ("/console/schedules", "定时", "schedules"),
            ("/console/digests", "汇总预览", "digests"), ("/console/content", "内容", "content"), ("/console/announce", "发布活动", "announce"),
        ].map { ["href": $0.0, "label": $0.1, "current": $0.2 == name || (name == "entry" || name == "import") && $0.2 == "content"] }
        let layout: [String: Any] = ["title": title, "body": body, "nav": nav, "signedIn": session != nil, "csrf": session?.csrf ?? "", "page": name]
        let html = (try? templates.render("layout", layout)) ?? body
        return Response(status: status, headers: Self.htmlHeaders, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// No caching of pages that hold tokens; no framing; scripts off; forms only to this site.
    static let htmlHeaders: HTTPFields = {
        var h: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'self'; script-src 'none'; form-action 'self'; frame-ancestors 'none'",
        ]
        if let frame = HTTPField.Name("X-Frame-Options") { h[frame] = "DENY" }
        if let referrer = HTTPField.Name("Referrer-Policy") { h[referrer] = "no-referrer" }
        return h
    }()

    func message(_ title: String, _ text: String, status: HTTPResponse.Status, session: ConsoleSession?) -> Response {
        page("message", title: title, session: session, ["heading": title, "text": text], status: status)
    }

    func disabledPage() -> Response {
        message("控制台未启用", "管理控制台未启用：请在配置文件中设置 admin_token（或 admin_token_file）后重启服务。", status: .notFound, session: nil)
    }

    /// A time in the configured zone, as the administrators read it: 2026-11-23 09:00.
    func wallTime(_ date: Date) -> String {
        let t = LocalDateTime.from(date, in: admin.config.timezone)
        return "\(t.date) \(t.clockText)"
    }
}
