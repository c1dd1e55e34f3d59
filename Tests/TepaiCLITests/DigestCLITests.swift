import Foundation
import Testing
import TepaiStore

@Suite(.serialized) struct DigestCLITests {
    func config(_ dir: URL, db: String, port: Int, extra: String = "") throws -> String {
        let config = dir.appendingPathComponent("tepai.yaml")
        try """
            database: \(db)
            channels:
              - {name: city-policy, platform: wecom, format: text, regions: [市级], kinds: [policy],
                 url: "http://127.0.0.1:\(port)/cgi-bin/webhook/send?key=fake_wecom_key_0123456789"}
            schedules:
              - {name: weekly-policy, digest: policy, cron: "0 9 * * MON", channels: [city-policy], max_items: 40}
            \(extra)
            """.write(to: config, atomically: true, encoding: .utf8)
        return config.path
    }

    @Test func previewShowsEveryPartAndSendDeliversThemOnceUnderTheLimit() async throws {
        let peer = PlatformPeer()
        try await peer.start(wecomKey: "fake_wecom_key_0123456789", dingTalkToken: "tok", dingTalkSecret: "SEC")
        defer { peer.stop() }
        let (dir, db) = try CLI.seededDatabase(["seeds/entries/a.json"])
        let cfg = try config(dir, db: db, port: peer.port)

        let preview = try await CLI.run(["digest", "preview", "city-policy", "--config", cfg])
        #expect(preview.status == 0, "\(preview.stderr)")
        let sizes = preview.stdout.split(separator: "\n").filter { $0.hasPrefix("-- part ") }
        #expect(sizes.count > 1, "\(preview.stdout)")  // WeCom text takes 2048 bytes: the round-up needs several parts
        #expect(sizes.allSatisfy { $0.contains("(limit 2048)") })
        // Previewing writes nothing: a second preview shows the same.
        #expect(try await CLI.run(["digest", "preview", "city-policy", "--config", cfg]).stdout == preview.stdout)

        let send = try await CLI.run(["digest", "send", "city-policy", "--config", cfg])
        #expect(send.status == 0, "\(send.stdout)\(send.stderr)")
        #expect(send.stdout.contains("city-policy: delivered \(sizes.count)/\(sizes.count)"))
        // The peer refuses anything over 2048 bytes with 40058, so every part arrived within the limit.
        let texts = peer.messages.compactMap { ($0["text"] as? [String: Any])?["content"] as? String }
        #expect(texts.count == sizes.count)
        for (i, t) in texts.enumerated() { #expect(t.hasPrefix("本周科技政策速递") && t.contains("(\(i + 1)/\(texts.count))")) }

        // Sent once: nothing new now, and nothing more reaches the group.
        let again = try await CLI.run(["digest", "send", "city-policy", "--config", cfg])
        #expect(again.status == 0)
        #expect(again.stdout.contains("nothing new, skipped"))
        #expect(peer.messages.count == texts.count)
        #expect(!send.stdout.contains("fake_wecom_key") && !send.stderr.contains("fake_wecom_key"))
    }

    @Test func aBrokenOverrideTemplateStopsTheDaemonAtStartWithFileAndLine() throws {
        let (dir, db) = try CLI.seededDatabase(["seeds/entries/a.json"])
        let overrides = dir.appendingPathComponent("overrides")
        try FileManager.default.createDirectory(at: overrides, withIntermediateDirectories: true)
        try "本周科技政策（{{period}}）\n{{#items}}\n{{{title}}\n{{/items}}\n"
            .write(to: overrides.appendingPathComponent("digest-policy.mustache"), atomically: true, encoding: .utf8)
        let cfg = try config(dir, db: db, port: 9, extra: "template_overrides: \(overrides.path)\nserver: {host: 127.0.0.1, port: 0}")
        for args in [["serve"], ["digest", "preview", "city-policy"]] {
            let run = try CLI.run(args + ["--config", cfg])
            #expect(run.status == 1)
            #expect(run.stderr.contains("digest-policy.mustache:3"), "\(run.stderr)")
        }
    }

    @Test func unknownChannelsAndSchedulesAreNamed() throws {
        let (dir, db) = try CLI.seededDatabase(["seeds/entries/a.json"])
        let cfg = try config(dir, db: db, port: 9)
        let a = try CLI.run(["digest", "preview", "no-such-group", "--config", cfg])
        #expect(a.status == 1 && a.stderr.contains("no channel named \"no-such-group\""))
        let b = try CLI.run(["digest", "preview", "city-policy", "--schedule", "daily", "--config", cfg])
        #expect(b.status == 1 && b.stderr.contains("no schedule named \"daily\""))
        let bad = dir.appendingPathComponent("bad.yaml")
        try "schedules:\n  - {name: x, digest: policy, cron: \"0 25 * * *\"}\n".write(to: bad, atomically: true, encoding: .utf8)
        let c = try CLI.run(["digest", "preview", "local-log", "--config", bad.path])
        #expect(c.status == 1 && c.stderr.contains("schedules[x].cron") && c.stderr.contains("hour field \"25\""), "\(c.stderr)")
    }
}

extension DigestCLITests {
    /// The daemon, started after ten missed minutely slots, sends the round-up once, then nothing more.
    @Test func theDaemonFiresAMissedScheduleOnce() async throws {
        let peer = PlatformPeer()
        try await peer.start(wecomKey: "fake_wecom_key_0123456789", dingTalkToken: "tok", dingTalkSecret: "SEC")
        defer { peer.stop() }
        let (dir, db) = try CLI.seededDatabase(["seeds/entries/a.json"])
        let config = dir.appendingPathComponent("tepai.yaml")
        try """
            database: \(db)
            server: {host: 127.0.0.1, port: 0}
            channels:
              - {name: city-policy, platform: wecom, format: markdown, regions: [市级], kinds: [policy],
                 url: "http://127.0.0.1:\(peer.port)/cgi-bin/webhook/send?key=fake_wecom_key_0123456789"}
            schedules:
              - {name: every-minute, digest: policy, cron: "* * * * *", channels: [city-policy], max_items: 3}
            """.write(to: config, atomically: true, encoding: .utf8)
        // The job last ran ten minutes ago, as if the daemon had been down since.
        let ledger = DigestLedger(store: try SQLiteStore(path: db))
        #expect(try await ledger.advance(job: "every-minute", from: nil, to: Date().addingTimeInterval(-600)))

        let p = try CLI.spawn(["serve", "--config", config.path])
        defer { if p.isRunning { p.terminate() } }
        let deadline = Date().addingTimeInterval(30)
        while peer.messages.isEmpty, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        // Give a second run the chance to (wrongly) happen before the next minute.
        try await Task.sleep(for: .seconds(2))
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let texts = peer.messages.compactMap { ($0["markdown"] as? [String: Any])?["content"] as? String }
        // One round-up of three items (or, if a new minute began meanwhile, a second one with the next three).
        #expect(texts.count >= 1 && texts.count <= 2, "\(texts.count) messages")
        #expect(texts.first?.hasPrefix("### 本周科技政策速递") == true)
        let first = try #require(texts.first)
        #expect(first.components(separatedBy: "**").count - 1 == 6)  // three bold item lines
    }
}
