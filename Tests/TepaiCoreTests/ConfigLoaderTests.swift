import Foundation
import Testing
import TepaiCore

@Suite struct ConfigLoaderTests {
    @Test func defaultsWhenEmptyAndLogChannel() throws {
        let c = try ConfigLoader(environment: [:]).parse("", source: "t.yaml")
        #expect(c.timezone.identifier == "Asia/Shanghai")
        #expect(c.channels.map(\.platform) == [.log])
        #expect(c.adminToken.isEmpty)
    }

    @Test func environmentIsSubstituted() throws {
        let yaml = """
            admin_token: ${TOKEN}
            channels:
              - name: city
                platform: wecom
                url: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}
                format: markdown
                regions: [市级]
                kinds: [policy]
            """
        let c = try ConfigLoader(environment: ["TOKEN": "t0k", "KEY": "abc"]).parse(yaml, source: "t.yaml")
        #expect(c.adminToken == "t0k")
        #expect(c.channels.first?.url.hasSuffix("key=abc") == true)
        #expect(c.channels.first?.kinds == [.policy])
    }

    @Test func unknownKeysAreNamed() {
        #expect {
            try ConfigLoader(environment: [:]).parse("timezon: Asia/Shanghai", source: "t.yaml")
        } throws: { ($0 as? ConfigError)?.key == "timezon" }
        #expect {
            try ConfigLoader(environment: [:]).parse("server: {host: x, prot: 1}", source: "t.yaml")
        } throws: { ($0 as? ConfigError)?.key == "server.prot" }
    }

    @Test func repeatedNamesAreNamedWithTheirPosition() {
        #expect {
            try ConfigLoader(environment: [:]).parse("channels: [{name: a, platform: log}, {name: a, platform: log}]", source: "t.yaml")
        } throws: { ($0 as? ConfigError)?.key == "channels[1].name" }
        #expect {
            try ConfigLoader(environment: [:]).parse("""
                schedules:
                  - {name: x, digest: policy, cron: "0 9 * * *"}
                  - {name: x, digest: fairs, cron: "0 9 * * *"}
                """, source: "t.yaml")
        } throws: { ($0 as? ConfigError)?.key == "schedules[1].name" }
        #expect {
            try ConfigLoader(environment: [:]).parse("sources: {name: x}", source: "t.yaml")
        } throws: { ($0 as? ConfigError)?.key == "sources" }
    }

    @Test func consoleSecureCookies() throws {
        #expect(try ConfigLoader(environment: [:]).parse("", source: "t.yaml").secureCookies == false)
        #expect(try ConfigLoader(environment: [:]).parse("server: {secure_cookies: true}", source: "t.yaml").secureCookies == true)
        #expect {
            try ConfigLoader(environment: [:]).parse("server: {secure_cookies: sometimes}", source: "t.yaml")
        } throws: { ($0 as? ConfigError)?.key == "server.secure_cookies" }
    }

    @Test func answerCacheSize() throws {
        #expect(try ConfigLoader(environment: [:]).parse("", source: "t.yaml").answerCacheSize == 4096)
        #expect(try ConfigLoader(environment: [:]).parse("answer_cache_size: 0", source: "t.yaml").answerCacheSize == 0)
        #expect {
            try ConfigLoader(environment: [:]).parse("answer_cache_size: -1", source: "t.yaml")
        } throws: { ($0 as? ConfigError)?.key == "answer_cache_size" }
    }

    @Test func deliveryLogDays() throws {
        #expect(try ConfigLoader(environment: [:]).parse("", source: "t.yaml").deliveryLogDays == 90)
        #expect(try ConfigLoader(environment: [:]).parse("delivery_log_days: 0", source: "t.yaml").deliveryLogDays == 0)
        #expect(try ConfigLoader(environment: [:]).parse("delivery_log_days: 30", source: "t.yaml").deliveryLogDays == 30)
        #expect {
            try ConfigLoader(environment: [:]).parse("delivery_log_days: -5", source: "t.yaml")
        } throws: { ($0 as? ConfigError)?.key == "delivery_log_days" }
    }

    @Test func channelMistakesNameTheChannelAndKey() {
        let missingURL = "channels: [{name: city, platform: dingtalk, url: \"${UNSET}\"}]"
        #expect {
            try ConfigLoader(environment: [:]).parse(missingURL, source: "t.yaml")
        } throws: { e in
            guard let e = e as? ConfigError else { return false }
            return e.key == "channels[city].url" && e.reason.contains("environment variable")
        }
        let badFormat = "channels: [{name: c, platform: wecom, url: \"https://x\", format: card}]"
        #expect { try ConfigLoader(environment: [:]).parse(badFormat, source: "t.yaml") } throws: { ($0 as? ConfigError)?.key == "channels[c].format" }
        let badRegion = "channels: [{name: c, platform: log, regions: [迁西]}]"
        #expect { try ConfigLoader(environment: [:]).parse(badRegion, source: "t.yaml") } throws: { ($0 as? ConfigError)?.key == "channels[c].regions" }
        let badZone = "timezone: Mars/Base"
        #expect { try ConfigLoader(environment: [:]).parse(badZone, source: "t.yaml") } throws: { ($0 as? ConfigError)?.key == "timezone" }
    }

    @Test func feishuAndWeComCallbackKeys() throws {
        let yaml = """
            callbacks:
              feishu_app_id: ${FEISHU_APP_ID}
              feishu_app_secret: ${FEISHU_APP_SECRET}
              feishu_verification_token: ${FEISHU_VERIFICATION_TOKEN}
              feishu_encrypt_key: ${FEISHU_ENCRYPT_KEY}
              feishu_api_base: http://127.0.0.1:9000/
              wecom_token: ${WECOM_BOT_TOKEN}
              wecom_encoding_aes_key: ${WECOM_BOT_AES_KEY}
            """
        let env = ["FEISHU_APP_ID": "cli_a", "FEISHU_APP_SECRET": "s", "FEISHU_VERIFICATION_TOKEN": "v", "FEISHU_ENCRYPT_KEY": "e",
                   "WECOM_BOT_TOKEN": "t", "WECOM_BOT_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"]
        let c = try ConfigLoader(environment: env).parse(yaml, source: "t.yaml").callbacks
        #expect(c.feishuEnabled && c.weComEnabled)
        #expect(c.feishuAppID == "cli_a" && c.feishuAppSecret == "s" && c.feishuVerificationToken == "v" && c.feishuEncryptKey == "e")
        #expect(c.feishuAPIBase == "http://127.0.0.1:9000")
        #expect(TepaiConfig().callbacks.feishuAPIBase == "https://open.feishu.cn")
        #expect(!TepaiConfig().callbacks.feishuEnabled && !TepaiConfig().callbacks.weComEnabled)
        // An unset variable leaves a half setup: refused, naming the key.
        var partial = env
        partial["FEISHU_APP_SECRET"] = nil
        #expect { try ConfigLoader(environment: partial).parse(yaml, source: "t.yaml") } throws: {
            ($0 as? ConfigError)?.key == "callbacks.feishu_app_secret"
        }
        var shortKey = env
        shortKey["WECOM_BOT_AES_KEY"] = "tooshort"
        #expect { try ConfigLoader(environment: shortKey).parse(yaml, source: "t.yaml") } throws: {
            ($0 as? ConfigError)?.key == "callbacks.wecom_encoding_aes_key"
        }
        #expect { try ConfigLoader(environment: [:]).parse("callbacks: {feishu_app_idd: x}", source: "t.yaml") } throws: {
            ($0 as? ConfigError)?.key == "callbacks.feishu_app_idd"
        }
        #expect { try ConfigLoader(environment: [:]).parse("callbacks: {feishu_api_base: open.feishu.cn}", source: "t.yaml") } throws: {
            ($0 as? ConfigError)?.key == "callbacks.feishu_api_base"
        }
    }

    @Test func regionCatalogKnowsShortForms() {
        let catalog = TepaiConfig().regionCatalog
        #expect(catalog.canonical("迁西") == "迁西县")
        #expect(catalog.canonical("曹妃甸") == "曹妃甸区")
        #expect(catalog.canonical("市里") == "市级")
        #expect(catalog.canonical("北京") == nil)
    }
}

@Suite struct SourceConfigTests {
    static func parse(_ yaml: String) throws -> TepaiConfig { try ConfigLoader(environment: ["FEED": "https://kjj.example.gov.cn/rss"]).parse(yaml, source: "t.yaml") }
    static func key(_ yaml: String) -> String? {
        do { _ = try parse(yaml); return nil } catch { return (error as? ConfigError)?.key }
    }

    @Test func sourcesWithDefaults() throws {
        let c = try Self.parse("""
            sources:
              - {name: drop, type: folder, path: data/inbox}
              - {name: kjj, type: rss, url: "${FEED}", interval_seconds: 600, kind: notice, region: 迁西县, tags: [通知公告]}
              - {name: fairs, type: json, url: "https://kjj.example.gov.cn/feed.json"}
            """)
        #expect(c.sources.count == 3)
        #expect(c.sources[0] == SourceConfig(name: "drop", type: .folder, path: "data/inbox"))
        #expect(c.sources[1] == SourceConfig(name: "kjj", type: .rss, url: "https://kjj.example.gov.cn/rss", intervalSeconds: 600,
                                             kind: .notice, region: "迁西县", tags: ["通知公告"]))
        #expect(c.sources[2].kind == .policy && c.sources[2].region == "市级" && c.sources[2].intervalSeconds == 300)
        #expect(try Self.parse("").sources.isEmpty)
    }

    @Test func mistakesNameTheSourceKey() {
        let ok = "  - {name: drop, type: folder, path: inbox}\n"
        #expect(Self.key("sources:\n" + ok + ok + "  - {name: kjj, type: rss, url: ftp://x}") == "sources[2].url")
        #expect(Self.key("sources:\n  - {name: kjj, type: rss, url: \"${UNSET}\"}") == "sources[0].url")
        #expect(Self.key("sources:\n  - {name: kjj, type: atom, url: https://x}") == "sources[0].type")
        #expect(Self.key("sources:\n  - {name: kjj, type: rss, url: https://x, interval_seconds: 5}") == "sources[0].interval_seconds")
        #expect(Self.key("sources:\n  - {name: d, type: folder, path: p, interval_seconds: 1}") == "sources[0].interval_seconds")
        #expect(Self.key("sources:\n  - {name: d, type: folder, path: p, interval_seconds: 2}") == nil)
        #expect(Self.key("sources:\n  - {name: kjj, type: rss, url: https://x, kind: news}") == "sources[0].kind")
        #expect(Self.key("sources:\n  - {name: kjj, type: rss, url: https://x, region: 迁西}") == "sources[0].region")
        #expect(Self.key("sources:\n  - {name: kjj, type: rss, url: https://x, colour: red}") == "sources[0].colour")
        #expect(Self.key("sources:\n  - {name: d, type: folder}") == "sources[0].path")
        #expect(Self.key("sources:\n  - {name: d, type: folder, path: p, kind: faq}") == "sources[0].kind")
        #expect(Self.key("sources:\n  - {name: my feed, type: rss, url: https://x}") == "sources[0].name")
        #expect(Self.key("sources:\n" + ok + ok) == "sources[1].name")
        #expect(Self.key("sources: {name: d}") == "sources")
    }
}

@Suite struct ProxyConfigTests {
    static func load(_ yaml: String) throws -> TepaiConfig { try ConfigLoader(environment: [:]).parse(yaml, source: "t.yaml") }
    static func key(_ yaml: String) -> String? {
        do { _ = try load(yaml); return nil } catch { return (error as? ConfigError)?.key }
    }

    @Test func globalProxyIsEveryChannelsDefaultAndAChannelsOwnWins() throws {
        let c = try Self.load("""
            proxy: http://proxy.example:3128
            no_proxy: "localhost, .internal.example"
            channels:
              - {name: a, platform: log}
              - {name: b, platform: log, proxy: "socks5h://u:p@10.0.0.1:1080", no_proxy: "*"}
            """)
        #expect(c.channels.map(\.proxy) == ["http://proxy.example:3128", "socks5h://u:p@10.0.0.1:1080"])
        #expect(c.channels.map(\.noProxy) == ["localhost,.internal.example", "*"])
        #expect(try Self.load("channels: [{name: a, platform: log}]").channels.first?.proxy == nil)
    }

    @Test func badProxiesAreRefusedNamingTheirKey() {
        #expect(Self.key("proxy: proxy.example:3128") == "proxy")
        #expect(Self.key("proxy: ftp://proxy.example") == "proxy")
        #expect(Self.key("proxy: http://proxy.example:3128/path") == "proxy")
        #expect(Self.key("proxy: \"http://:3128\"") == "proxy")
        #expect(Self.key("no_proxy: \"a, http://b\"") == "no_proxy")
        #expect(Self.key("channels: [{name: c, platform: log, proxy: \"socks9://x:1\"}]") == "channels[c].proxy")
        #expect(Self.key("channels: [{name: c, platform: log, no_proxy: \"a b\"}]") == "channels[c].no_proxy")
    }

    @Test func proxyCredentialsAreMaskedForDisplay() {
        #expect(ProxySettings.masked("http://bot:s3cret@proxy:3128") == "http://bot:****@proxy:3128")
        #expect(ProxySettings.masked("http://tokenonly@proxy:3128/") == "http://****@proxy:3128/")
        #expect(ProxySettings.masked("http://proxy:3128") == "http://proxy:3128")
    }
}
