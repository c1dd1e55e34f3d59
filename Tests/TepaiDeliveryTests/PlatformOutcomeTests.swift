import Foundation
import Testing
@testable import TepaiDelivery

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
