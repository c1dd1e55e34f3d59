import Foundation
import Logging
import Testing
import TepaiCore
import TepaiDelivery
import TepaiSources

/// The `proxy` / `no_proxy` keys reach libcurl: a local proxy peer on 127.0.0.1 sees the absolute-form request
/// (`POST http://host/...`) and answers for a webhook host that does not even resolve.
@Suite(.serialized) struct ProxyTests {
    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [RawHTTPRequest] = []
        func add(_ r: RawHTTPRequest) { lock.withLock { items.append(r) } }
        var all: [RawHTTPRequest] { lock.withLock { items } }
    }

    @Test func webhookGoesThroughTheChannelsProxyWithItsCredentials() async throws {
        let seen = Seen()
        let proxy = try await RawHTTPPeer { request in
            seen.add(request)
            return .answer(status: 200, body: #"{"errcode":0,"errmsg":"ok"}"#)
        }
        // `.invalid` never resolves: only a request handed to the proxy can succeed.
        let target = "http://qyapi.tepai-test.invalid/cgi-bin/webhook/send?key=fake_key_0123456789"
        let config = try ConfigLoader(environment: ["PROXY_PASSWORD": "s3cret-pw"]).parse("""
            proxy: "http://bot:${PROXY_PASSWORD}@127.0.0.1:\(proxy.port)"
            channels:
              - {name: city, platform: wecom, format: text, url: "\(target)"}
            """, source: "t.yaml")
        let channel = try #require(config.channels.first)
        let attempts = await ChannelSender(transport: CurlTransport(), logger: Logger(label: "t"))
            .send([MessageBlock("经代理发送")], title: "t", to: channel)
        await proxy.stop()
        #expect(attempts.map(\.outcome) == [.delivered])
        let request = try #require(seen.all.first)
        #expect(seen.all.count == 1)
        #expect(request.method == "POST")
        #expect(request.target == target)
        #expect(request.header("Proxy-Authorization") == "Basic " + Data("bot:s3cret-pw".utf8).base64EncodedString())
        #expect(String(decoding: request.body, as: UTF8.self).contains("经代理发送"))
    }

    /// Feeds and callback replies belong to no channel: they follow the global `proxy` key.
    @Test func feedsGoThroughTheGlobalProxy() async throws {
        let seen = Seen()
        let proxy = try await RawHTTPPeer { request in
            seen.add(request)
            return .answer(status: 200, body: #"{"version": "https://jsonfeed.org/version/1.1", "items": []}"#)
        }
        let config = try ConfigLoader(environment: [:]).parse("""
            proxy: "http://127.0.0.1:\(proxy.port)"
            """, source: "t.yaml")
        let target = "http://feeds.tepai-test.invalid/policy.json"
        let outcome = try await FeedFetcher(transport: CurlTransport(options: TransportOptions(proxyFrom: config)))
            .fetch(url: target, etag: "\"v1\"", lastModified: nil)
        await proxy.stop()
        guard case .fetched(let body, _, _) = outcome else {
            Issue.record("expected the feed through the proxy, got \(outcome)")
            return
        }
        #expect(String(decoding: body, as: UTF8.self).contains("jsonfeed"))
        #expect(seen.all.map(\.method) == ["GET"] && seen.all.first?.target == target)
        #expect(seen.all.first?.header("If-None-Match") == "\"v1\"")
        // Without a global proxy the same options say "direct", not "whatever the environment says".
        #expect(TransportOptions(proxyFrom: try ConfigLoader(environment: [:]).parse("channels: []", source: "t.yaml")).proxy == "")
    }

    @Test func noProxyHostsAreReachedDirectly() async throws {
        let viaProxy = Seen(), direct = Seen()
        let proxy = try await RawHTTPPeer { viaProxy.add($0); return .answer(status: 200, body: #"{"errcode":0,"errmsg":"ok"}"#) }
        let webhook = try await RawHTTPPeer { direct.add($0); return .answer(status: 200, body: #"{"errcode":0,"errmsg":"ok"}"#) }
        let config = try ConfigLoader(environment: [:]).parse("""
            proxy: "http://127.0.0.1:\(proxy.port)"
            no_proxy: "localhost, 127.0.0.1"
            channels:
              - {name: inside, platform: wecom, format: text, url: "http://127.0.0.1:\(webhook.port)/cgi-bin/webhook/send?key=k"}
              - {name: own, platform: wecom, format: text, url: "http://own.tepai-test.invalid/cgi-bin/webhook/send?key=k", no_proxy: ""}
            """, source: "t.yaml")
        let sender = ChannelSender(transport: CurlTransport(), logger: Logger(label: "t"))
        for channel in config.channels {
            #expect(await sender.send([MessageBlock("x")], title: "t", to: channel).map(\.outcome) == [.delivered], "\(channel.name)")
        }
        await proxy.stop()
        await webhook.stop()
        #expect(direct.all.map(\.target) == ["/cgi-bin/webhook/send?key=k"])
        // The second channel's empty no_proxy falls back to the global list, which does not cover its host.
        #expect(viaProxy.all.map(\.target) == ["http://own.tepai-test.invalid/cgi-bin/webhook/send?key=k"])
    }

    @Test func channelsListMasksProxyCredentialsAndABadProxyNamesItsKey() async throws {
        let dir = try CLI.tempDir()
        let config = dir.appendingPathComponent("tepai.yaml")
        try """
            proxy: "http://bot:s3cret-pw@proxy.example:3128"
            channels:
              - {name: city, platform: wecom, format: text, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}
              - {name: socks, platform: wecom, format: text, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", proxy: "socks5h://10.0.0.1:1080"}
            """.write(to: config, atomically: true, encoding: .utf8)
        let list = try await CLI.run(["channels", "list", "--config", config.path])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(!list.stdout.contains("s3cret-pw"))
        #expect(list.stdout.contains("proxy=http://bot:****@proxy.example:3128"))
        #expect(list.stdout.contains("proxy=socks5h://10.0.0.1:1080"))

        try """
            channels:
              - {name: city, platform: wecom, format: text, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", proxy: "ftp://bot:pw-9@proxy:21"}
            """.write(to: config, atomically: true, encoding: .utf8)
        let bad = try await CLI.run(["channels", "list", "--config", config.path])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("channels[city].proxy"), "\(bad.stderr)")
        #expect(!bad.stderr.contains("pw-9"))
    }
}
