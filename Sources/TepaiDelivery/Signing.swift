import Crypto
import Foundation

/// DingTalk custom robot signing: `sign` = URL-encoded base64 HMAC-SHA256 with the secret as key over
/// `timestamp + "\n" + secret`; both go on the webhook URL as query parameters.
public enum DingTalkSigner {
    public static func sign(timestampMs: Int64, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestampMs)\n\(secret)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .urlSignSafe) ?? ""
    }

    /// The webhook URL with `timestamp` and `sign` appended.
    public static func signedURL(_ url: String, secret: String, now: Date) -> String {
        let ts = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        return url + (url.contains("?") ? "&" : "?") + "timestamp=\(ts)&sign=\(sign(timestampMs: ts, secret: secret))"
    }

    /// Checks an inbound signature (callbacks, and the test peers that play DingTalk).
    public static func verify(timestampMs: Int64, sign: String, secret: String) -> Bool {
        let expected = self.sign(timestampMs: timestampMs, secret: secret)
        let given = sign.contains("%") ? sign : (sign.addingPercentEncoding(withAllowedCharacters: .urlSignSafe) ?? sign)
        return constantTimeEquals(expected, given)
    }
}

/// Feishu custom bot signing: base64 HMAC-SHA256 with key `timestamp + "\n" + secret` over an empty message;
/// `timestamp` (seconds, as text) and `sign` go in the JSON body.
public enum FeishuSigner {
    public static func sign(timestamp: Int64, secret: String) -> String {
        let key = SymmetricKey(data: Data("\(timestamp)\n\(secret)".utf8))
        return Data(HMAC<SHA256>.authenticationCode(for: Data(), using: key)).base64EncodedString()
    }

    public static func verify(timestamp: Int64, sign: String, secret: String) -> Bool {
        constantTimeEquals(self.sign(timestamp: timestamp, secret: secret), sign)
    }
}

/// Compares secrets without leaking where they differ through timing.
public func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    var diff = UInt8(x.count == y.count ? 0 : 1)
    for i in 0..<max(x.count, y.count) { diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0) }
    return diff == 0
}

extension CharacterSet {
    /// Unreserved characters only: `+`, `/` and `=` of base64 must be percent-encoded on a URL.
    static let urlSignSafe = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
