import Foundation
import Logging
import Testing
import TepaiCore
import TepaiDelivery

@Suite(.serialized) struct ChannelTests {
    @Test func longDigestArrivesSplitUnderTheByteLimitAndComplete() async throws {
        let peer = PlatformPeer()
        try await peer.start(wecomKey: "fake_wecom_key_0123456789", dingTalkToken: "tok", dingTalkSecret: "SEC")
        defer { peer.stop() }
        let channel = ChannelConfig(name: "city", platform: .wecom,
                                    url: "http://127.0.0.1:\(peer.port)/cgi-bin/webhook/send?key=fake_wecom_key_0123456789", format: "markdown")
        let blocks = (1...60).map { MessageBlock("**\($0). 技术合同认定登记及税收优惠政策培训**\n时间：12月\($0 % 28 + 1)日 09:00，地点：市政务服务中心二楼B区。") }
        let attempts = await ChannelSender(transport: CurlTransport(), logger: Logger(label: "t")).send(blocks, title: "本周培训", to: channel)
        #expect(attempts.count > 1)
        #expect(attempts.allSatisfy { $0.outcome == .delivered })
        let contents = peer.messages.compactMap { ($0["markdown"] as? [String: Any])?["content"] as? String }
        #expect(contents.count == attempts.count)
        #expect(contents.allSatisfy { $0.utf8.count <= 4096 })
        for n in 1...60 { #expect(contents.joined().contains("**\(n). 技术合同")) }
    }

    @Test func signedDingTalkIsAcceptedAndAWrongSecretIsPermanent() async throws {
        let peer = PlatformPeer()
        try await peer.start(wecomKey: "k", dingTalkToken: "tok", dingTalkSecret: "SEC-right")
        defer { peer.stop() }
        let sender = ChannelSender(transport: CurlTransport(), logger: Logger(label: "t"))
        let url = "http://127.0.0.1:\(peer.port)/robot/send?access_token=tok"
        let good = ChannelConfig(name: "ding", platform: .dingtalk, url: url, secret: "SEC-right", format: "markdown")
        #expect(await sender.send([MessageBlock("测试")], title: "t", to: good).map(\.outcome) == [.delivered])
        #expect((peer.messages.first?["markdown"] as? [String: Any])?["title"] as? String == "t")
        let bad = ChannelConfig(name: "ding", platform: .dingtalk, url: url, secret: "SEC-wrong", format: "markdown")
        #expect(await sender.send([MessageBlock("测试")], title: "t", to: bad).map(\.outcome) == [.permanent(code: 310000, message: "sign not match")])
    }

    @Test func channelsTestExitsNonZeroWhenAnyChannelFailsAndListMasksKeys() async throws {
        let peer = PlatformPeer()
        try await peer.start(wecomKey: "fake_wecom_key_0123456789", dingTalkToken: "tok", dingTalkSecret: "SEC")
        defer { peer.stop() }
        let dir = try CLI.tempDir()
        let config = dir.appendingPathComponent("tepai.yaml")
        try """
            channels:
              - {name: good, platform: wecom, format: markdown, url: "http://127.0.0.1:\(peer.port)/cgi-bin/webhook/send?key=fake_wecom_key_0123456789"}
              - {name: badkey, platform: wecom, format: text, url: "http://127.0.0.1:\(peer.port)/cgi-bin/webhook/send?key=fake_wrong_key_000000000"}
              - {name: ding, platform: dingtalk, format: text, secret: SEC, url: "http://127.0.0.1:\(peer.port)/robot/send?access_token=tok"}
            """.write(to: config, atomically: true, encoding: .utf8)
        let ok = try await CLI.run(["channels", "test", "good", "ding", "--config", config.path])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("good: ok") && ok.stdout.contains("ding: ok"))
        let bad = try await CLI.run(["channels", "test", "--config", config.path])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("badkey: FAILED (code 93000: invalid webhook url)"))
        let list = try await CLI.run(["channels", "list", "--config", config.path])
        #expect(!list.stdout.contains("fake_wecom_key_0123456789") && list.stdout.contains("key=****6789"))
        #expect(!list.stdout.contains("SEC\t") && list.stdout.contains("secret=****"))
        #expect(!bad.stderr.contains("fake_wecom_key_0123456789") && !bad.stderr.contains("fake_wrong_key_000000000"))
        #expect(try await CLI.run(["channels", "test", "nope", "--config", config.path]).status == 1)
    }
}
