import Foundation
import Testing
import TepaiDelivery

/// `tepai sources list|poll` and the poller inside `tepai serve`, on a real folder.
@Suite(.serialized) struct SourcesCLITests {
    /// A folder source in a new temporary folder, and a feed source nobody listens for.
    static func setUp(feed: Bool) throws -> (dir: URL, inbox: URL, config: String) {
        let dir = try CLI.tempDir()
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("tepai.yaml")
        var yaml = """
            database: \(dir.appendingPathComponent("t.sqlite").path)
            server: {host: 127.0.0.1, port: 0}
            sources:
              - {name: inbox, type: folder, path: \(inbox.path), interval_seconds: 2}

            """
        if feed { yaml += "  - {name: dead-feed, type: rss, url: \"http://127.0.0.1:1/rss.xml\"}\n" }
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        return (dir, inbox, config.path)
    }

    /// Writes an entry file that looks settled (modified a minute ago).
    static func drop(_ text: String, _ name: String, in inbox: URL) throws {
        let url = inbox.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: url.path)
    }

    @Test func pollPrintsCountsAndReasonsAndListShowsTheState() throws {
        let (_, inbox, config) = try Self.setUp(feed: true)
        try Self.drop("""
            [{"id": "cli-1", "kind": "faq", "title": "技术合同怎么登记", "body": "到登记站办理。"},
             {"id": "cli-2", "kind": "news", "title": "错的类别", "body": "正文"}]
            """, "a.json", in: inbox)

        let first = try CLI.run(["sources", "poll", "inbox", "--config", config])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("inbox: 1 new, 0 changed, 0 unchanged, 1 skipped (1 file(s) read, 0 unchanged)"), "\(first.stdout)")
        #expect(first.stdout.contains("skipped \(inbox.appendingPathComponent("a.json").path), record 2: field \"kind\": \"news\" is not one of"))

        let all = try CLI.run(["sources", "poll", "--config", config])
        #expect(all.status == 1)
        #expect(all.stdout.contains("inbox: 0 new, 0 changed, 0 unchanged, 0 skipped (0 file(s) read, 1 unchanged)"), "\(all.stdout)")
        #expect(all.stdout.contains("dead-feed: failed: fetching http://127.0.0.1:1/rss.xml failed: curl error 7"), "\(all.stdout)")

        let list = try CLI.run(["sources", "list", "--config", config])
        #expect(list.status == 0)
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("inbox\tfolder\t\(inbox.path)\tevery 2s\tlast poll: "))
        #expect(lines[0].hasSuffix("\t1 item(s)"))
        #expect(lines[1].contains("kind=policy\tregion=市级"))
        #expect(lines[1].contains("last error: fetching http://127.0.0.1:1/rss.xml failed"))

        let unknown = try CLI.run(["sources", "poll", "nope", "--config", config])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no source named nope"))
    }

    @Test func theDaemonAnswersWhatItsWatchedFolderReceives() async throws {
        let (_, inbox, config) = try Self.setUp(feed: false)
        let err = Pipe()
        let p = try CLI.spawn(["serve", "--config", config], stderr: err)
        defer { if p.isRunning { p.terminate() } }
        let log = DaemonLog(err)
        let bound = try #require(try await log.port(), "no listening line in: \(log.text)")
        try Self.drop(#"[{"id": "served-1", "kind": "faq", "title": "技术合同认定登记在哪里办理", "body": "到市技术合同登记站办理。"}]"#,
                      "new.json", in: inbox)
        let q = "技术合同怎么登记".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
        var answered = false
        let deadline = Date().addingTimeInterval(20)
        while !answered, Date() < deadline {
            try await Task.sleep(for: .milliseconds(250))
            let reply = try await CurlTransport().send(HTTPRequestSpec(method: "GET", url: "http://127.0.0.1:\(bound)/v1/query?q=\(q)"))
            answered = String(decoding: reply.body, as: UTF8.self).contains("\"id\":\"served-1\"")
        }
        #expect(answered)
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(log.text)")
        #expect(try await log.waitFor("source poller stopped", seconds: 5), "\(log.text)")
    }
}
