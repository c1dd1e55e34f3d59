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
