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

@Suite struct MessageSplitterTests {
    @Test func everyPartFitsInBytesAndIsNumbered() {
        let blocks = (1...40).map { MessageBlock("\($0). 技术合同认定登记培训通知：报名截止12月5日，地点市政务服务中心二楼。") }
        let parts = MessageSplitter(limit: 600).split(title: "【本周科技政策】", blocks: blocks)
        #expect(parts.count > 1)
        for (i, p) in parts.enumerated() {
            #expect(p.utf8.count <= 600)
            #expect(p.hasPrefix("【本周科技政策】 (\(i + 1)/\(parts.count))"))
        }
        // Nothing lost, nothing repeated, order kept.
        let items = parts.flatMap { $0.split(separator: "\n").dropFirst() }.filter { !$0.isEmpty }
        #expect(items.count == 40)
        #expect(items.first?.hasPrefix("1.") == true && items.last?.hasPrefix("40.") == true)
    }

    @Test func aSinglePartIsNotNumbered() {
        let parts = MessageSplitter(limit: 4096).split(title: "标题", blocks: [MessageBlock("一条。")])
        #expect(parts == ["标题\n一条。"])
    }

    @Test func anOversizedBlockIsTrimmedOnASentenceWithALink() {
        let long = String(repeating: "高新技术企业认定需要满足八项条件。", count: 40)
        let parts = MessageSplitter(limit: 300).split(title: "", blocks: [MessageBlock(long, url: "https://kjj.example.gov.cn/a")])
        #expect(parts.count == 1)
        #expect(parts[0].utf8.count <= 300)
        #expect(parts[0].hasSuffix("。…\n全文：https://kjj.example.gov.cn/a"))
    }

    @Test func neverCutsInsideAMarkdownLink() {
        let text = "说明文字没有句号" + String(repeating: "字", count: 60) + "[查看高新技术企业认定管理办法全文](https://kjj.example.gov.cn/very/long/path/to/the/document)后文"
        let out = MessageSplitter(limit: 260).fit(MessageBlock(text), budget: 260)
        #expect(!out.contains("["))
        #expect(out.hasSuffix("…"))
        #expect(out.utf8.count <= 260)
    }
}

@Suite struct PlatformOutcomeTests {
    func reply(_ status: Int, _ body: String) -> HTTPReply { HTTPReply(status: status, body: Data(body.utf8), seconds: 0) }

    @Test func chineseRobotsAreJudgedByTheBodyNotTheStatus() {
        let wecom = WeComAdapter(format: "markdown")
        #expect(wecom.outcome(reply(200, #"{"errcode":0,"errmsg":"ok"}"#)) == .delivered)
        #expect(wecom.outcome(reply(200, #"{"errcode":45009,"errmsg":"api freq out of limit"}"#)) == .retryable(code: 45009, message: "api freq out of limit"))
        #expect(wecom.outcome(reply(200, #"{"errcode":93000,"errmsg":"invalid webhook url"}"#)) == .permanent(code: 93000, message: "invalid webhook url"))
        let ding = DingTalkAdapter(format: "markdown")
        #expect(ding.outcome(reply(200, #"{"errcode":130101,"errmsg":"send too fast"}"#)) == .retryable(code: 130101, message: "send too fast"))
        #expect(ding.outcome(reply(200, #"{"errcode":310000,"errmsg":"sign not match"}"#)) == .permanent(code: 310000, message: "sign not match"))
        let feishu = FeishuAdapter(format: "card")
        #expect(feishu.outcome(reply(200, #"{"code":0,"msg":"success"}"#)) == .delivered)
        #expect(feishu.outcome(reply(200, #"{"code":11232,"msg":"frequency limited"}"#)) == .retryable(code: 11232, message: "frequency limited"))
        #expect(feishu.outcome(reply(200, #"{"code":19021,"msg":"sign match fail"}"#)) == .permanent(code: 19021, message: "sign match fail"))
    }

    @Test func httpFailuresAreClassified() {
        for adapter in [WeComAdapter(format: "text") as any PlatformAdapter, SlackAdapter(), GenericJSONAdapter()] {
            #expect(adapter.outcome(reply(503, "")) == .retryable(code: 503, message: "HTTP 503"))
            #expect(adapter.outcome(reply(429, "")) == .retryable(code: 429, message: "HTTP 429"))
            if case .permanent = adapter.outcome(reply(404, "no")) {} else { Issue.record("404 must be permanent") }
        }
        if case .permanent = WeComAdapter(format: "text").outcome(reply(200, "<html>")) {} else { Issue.record("non-JSON must be permanent") }
    }
}
