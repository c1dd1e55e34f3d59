import Foundation
import Testing

/// A `tepai serve` with the console on a seeded database, driven over real HTTP (a plain socket client) for sign-in and form
/// posts, and by headless Chromium for the pages.
struct ConsoleDaemon {
    static let token = "console-test-token-0123456789abcdef"
    var port: Int
    var db: String
    var dir: URL
    var log: DaemonLog

    struct Reply {
        var status: Int
        var text: String
        var headers: [(name: String, value: String)]
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        var setCookies: [String] { headers.filter { $0.name.lowercased() == "set-cookie" }.map(\.value) }
    }

    /// Starts the daemon (clock pinned to Monday 2026-11-23 08:00 Asia/Shanghai) with three channels — one JSON
    /// webhook at `peerPort`, one log, one whose webhook nobody answers — and a weekly fairs schedule, runs
    /// `body`, then stops it. `prepare` gets the seeded database before the daemon opens it.
    static func with(peerPort: Int, adminToken: String = token, prepare: (String) async throws -> Void = { _ in },
                     _ body: (ConsoleDaemon) async throws -> Void) async throws {
        let (dir, db) = try CLI.seededDatabase(["seeds/entries/a.json", "seeds/entries/b.json"])
        try await prepare(db)
        let config = dir.appendingPathComponent("tepai.yaml")
        try """
            database: \(db)
            server: {host: 127.0.0.1, port: 0}
            admin_token: "\(adminToken)"
            templates: \(CLI.root.appendingPathComponent("Templates").path)
            channels:
              - {name: city-fairs, platform: json, url: "http://127.0.0.1:\(peerPort)/hook/city-fairs", regions: [市级], kinds: [matching, training]}
              - {name: qianxi, platform: log, regions: [迁西县], kinds: [training]}
              - {name: broken, platform: json, url: "http://127.0.0.1:9/hook", regions: [玉田县], kinds: [notice]}
            schedules:
              - {name: weekly-fairs, digest: fairs, cron: "0 9 * * MON", channels: [city-fairs]}
            """.write(to: config, atomically: true, encoding: .utf8)
        let err = Pipe()
        let p = try CLI.spawn(["serve", "--config", config.path, "--now", "2026-11-23T08:00"], stderr: err)
        defer { if p.isRunning { p.terminate(); p.waitUntilExit() } }
        let log = DaemonLog(err)
        guard let port = try await log.port() else { throw CLI.CLIError(message: "the daemon did not start: \(log.text)") }
        try await body(ConsoleDaemon(port: port, db: db, dir: dir, log: log))
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func get(_ path: String, cookie: String? = nil) async throws -> Reply {
        try await send("GET", path, cookie: cookie)
    }

    func send(_ method: String, _ path: String, cookie: String? = nil, contentType: String? = nil, body: Data = Data()) async throws -> Reply {
        var headers: [(String, String)] = []
        if let cookie { headers.append(("Cookie", cookie)) }
        if let contentType { headers.append(("Content-Type", contentType)) }
        let r = try await RawHTTP.send(port: port, method: method, path: path, headers: headers, body: body)
        return Reply(status: r.status, text: String(decoding: r.body, as: UTF8.self), headers: r.headers)
    }

    /// POSTs a urlencoded form.
    func post(_ path: String, _ fields: [(String, String)], cookie: String?) async throws -> Reply {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._*"))
        let body = fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
        return try await send("POST", path, cookie: cookie, contentType: "application/x-www-form-urlencoded", body: Data(body.utf8))
    }

    /// POSTs a multipart form with one file, as a browser's file upload does.
    func upload(_ path: String, fields: [(String, String)], file: (field: String, name: String, data: Data), cookie: String?) async throws -> Reply {
        let boundary = "----tepai-test-\(UUID().uuidString)"
        var body = Data()
        for (k, v) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
        body.append(file.data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await send("POST", path, cookie: cookie, contentType: "multipart/form-data; boundary=\(boundary)", body: body)
    }

    /// Signs in with the admin token: the session cookie (`name=value`) and the CSRF token of its forms.
    func signIn() async throws -> (cookie: String, csrf: String) {
        let r = try await post("/console/login", [("token", Self.token)], cookie: nil)
        guard r.status == 303, let set = r.setCookies.first, let pair = set.split(separator: ";").first else {
            throw CLI.CLIError(message: "sign-in failed: \(r.status) \(r.text)")
        }
        let cookie = String(pair)
        let page = try await get("/console", cookie: cookie)
        guard let csrf = Self.csrf(in: page.text) else { throw CLI.CLIError(message: "no CSRF token in the dashboard: \(page.text.prefix(500))") }
        return (cookie, csrf)
    }

    static func csrf(in html: String) -> String? {
        guard let r = html.range(of: #"name="csrf" value="([0-9a-f]{64})""#, options: .regularExpression) else { return nil }
        return String(html[r].dropLast().suffix(64))
    }

    /// A one-time sign-in link to `path`, minted by the signed-in session, for a browser that has no cookie.
    func link(to path: String, session: (cookie: String, csrf: String)) async throws -> String {
        let r = try await post("/console/links", [("csrf", session.csrf), ("next", path)], cookie: session.cookie)
        guard r.status == 200, let range = r.text.range(of: #"/console/enter\?ticket=[0-9a-f]{64}"#, options: .regularExpression) else {
            throw CLI.CLIError(message: "no sign-in link: \(r.status) \(r.text.prefix(300))")
        }
        return base + r.text[range]
    }
}
