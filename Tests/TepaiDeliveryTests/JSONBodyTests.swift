import Foundation
import Testing
@testable import TepaiDelivery

@Suite struct JSONBodyTests {
    /// The hand-written writer says the same as Foundation's: parsed back, the values are equal.
    @Test func bodiesParseBackToTheSameValues() throws {
        let nasty = "引号\"反斜杠\\换行\n回车\r制表\t控制\u{01}\u{1F} / 链接 [x](https://a.b/c?d=1&e=2) 😀"
        let object: [String: Any] = [
            "msg_type": "post", "timestamp": "1700000000", "n": 42, "on": true, "off": false,
            "content": ["post": ["zh_cn": ["title": nasty, "content": [[["tag": "text", "text": nasty]], [["tag": "a", "text": "查看", "href": "https://x.y/z"]]]]]],
            "empty": [String: Any](), "list": [Any](),
        ]
        let ours = try JSONBody.encode(object)
        let theirs = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        let a = try #require(try JSONSerialization.jsonObject(with: ours) as? NSDictionary)
        let b = try #require(try JSONSerialization.jsonObject(with: theirs) as? NSDictionary)
        #expect(a == b)
        let text = String(decoding: ours, as: UTF8.self)
        #expect(text.hasPrefix(#"{"content":"#))
        #expect(text.contains(#"\u0001\u001f"#) && text.contains("https://x.y/z") && text.contains("😀"))
        #expect(throws: JSONBody.Unsupported.self) { try JSONBody.encode(["d": Date()]) }
    }
}
