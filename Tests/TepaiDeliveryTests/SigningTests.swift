import Foundation
import Testing
@testable import TepaiDelivery

@Suite struct SigningTests {
    @Test func dingTalkMatchesThePublishedVector() {
        #expect(DingTalkSigner.sign(timestampMs: 1_700_000_000_000, secret: "secret") == "OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D")
        #expect(DingTalkSigner.verify(timestampMs: 1_700_000_000_000, sign: "OuzzJR5+xZ4/EYwqtNt6sMYZQMTa/HEGvc9miJe7XzY=", secret: "secret"))
        #expect(!DingTalkSigner.verify(timestampMs: 1_700_000_000_001, sign: "OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D", secret: "secret"))
    }

    @Test func dingTalkSignedURLCarriesTimestampAndSign() {
        let url = DingTalkSigner.signedURL("https://oapi.dingtalk.com/robot/send?access_token=T", secret: "secret",
                                           now: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(url == "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000&sign=OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D")
    }

    @Test func feishuMatchesThePublishedVector() {
        #expect(FeishuSigner.sign(timestamp: 1_700_000_000, secret: "secret") == "fiWS2+gh28DOydAv7hzONH/mDn9+b1Y4Y5ivXWXy8vA=")
        #expect(!FeishuSigner.verify(timestamp: 1_700_000_000, sign: "fiWS2+gh28DOydAv7hzONH/mDn9+b1Y4Y5ivXWXy8vB=", secret: "secret"))
    }

    @Test func secretsAreMaskedInURLs() {
        #expect(SecretMasker.maskURL("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=fake_key_693a_7aoc_4bc4_5aaa")
                == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****5aaa")
        #expect(SecretMasker.maskURL("https://oapi.dingtalk.com/robot/send?access_token=fake_token_0123456789&timestamp=1")
                == "https://oapi.dingtalk.com/robot/send?access_token=****6789&timestamp=1")
        #expect(SecretMasker.maskURL("https://open.feishu.cn/open-apis/bot/v2/hook/1234567890abcdef")
                == "https://open.feishu.cn/open-apis/bot/v2/hook/****cdef")
        #expect(SecretMasker.mask("short") == "****")
    }
}
