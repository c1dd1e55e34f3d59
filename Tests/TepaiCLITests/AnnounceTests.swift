import Foundation
import Testing

@Suite(.serialized) struct AnnounceTests {
    @Test func announcementReachesEachRoutedGroupExactlyOnce() async throws {
        let peer = PlatformPeer()
        try await peer.start(wecomKey: "fake_wecom_key_0123456789", dingTalkToken: "tok", dingTalkSecret: "SEC")
        defer { peer.stop() }
        let (dir, db) = try CLI.seededDatabase(["seeds/entries/b.json"])
        let config = dir.appendingPathComponent("tepai.yaml")
        try """
            database: \(db)
            channels:
              - {name: city-matching, platform: wecom, format: markdown, regions: [市级], kinds: [matching],
                 url: "http://127.0.0.1:\(peer.port)/cgi-bin/webhook/send?key=fake_wecom_key_0123456789"}
              - {name: qianan, platform: dingtalk, format: markdown, regions: [迁安市], secret: SEC,
                 url: "http://127.0.0.1:\(peer.port)/robot/send?access_token=tok"}
              - {name: qianxi, platform: wecom, format: text, regions: [迁西县],
                 url: "http://127.0.0.1:\(peer.port)/cgi-bin/webhook/send?key=fake_wecom_key_0123456789"}
            """.write(to: config, atomically: true, encoding: .utf8)

        // 迁安 new-materials fair: routes to the 迁安 group only (city group takes city entries).
        let run = try await CLI.run(["announce", "mat-qianan-2612-material", "--config", config.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("qianan: delivered 1/1"))
        #expect(peer.messages.count == 1)
        let text = (peer.messages.first?["markdown"] as? [String: Any])?["text"] as? String ?? ""
        #expect(text.contains("迁安市2026年12月新材料产业成果对接会") && text.contains("报名截止"))

        // The same announcement again is not sent twice.
        let again = try await CLI.run(["announce", "mat-qianan-2612-material", "--config", config.path])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already queued before"))
        #expect(peer.messages.count == 1)

        // A city fair goes to the city group.
        #expect(try await CLI.run(["announce", "mat-city-2612-ai", "--config", config.path]).status == 0)
        #expect(peer.messages.count == 2)
    }

    @Test func aRefusedChannelIsReportedAndExitsOne() async throws {
        let peer = PlatformPeer()
        try await peer.start(wecomKey: "fake_right_key_0123456789", dingTalkToken: "tok", dingTalkSecret: "SEC")
        defer { peer.stop() }
        let (dir, db) = try CLI.seededDatabase(["seeds/entries/b.json"])
        let config = dir.appendingPathComponent("tepai.yaml")
        try """
            database: \(db)
            channels:
              - {name: qianxi, platform: wecom, format: text, regions: [迁西县],
                 url: "http://127.0.0.1:\(peer.port)/cgi-bin/webhook/send?key=fake_wrong_key_0000000000"}
            """.write(to: config, atomically: true, encoding: .utf8)
        let run = try await CLI.run(["announce", "trn-qianxi-2612-tpy", "--config", config.path])
        #expect(run.status == 1)
        #expect(run.stdout.contains("qianxi: FAILED 0/1 delivered (93000: invalid webhook url)"), "\(run.stdout)")
        #expect(!run.stdout.contains("fake_wrong_key_0000000000") && !run.stderr.contains("fake_wrong_key_0000000000"))
        #expect(try await CLI.run(["announce", "no-such-entry", "--config", config.path]).status == 1)
    }
}
