import Foundation
import TepaiCore

/// Masks webhook keys, tokens and secrets wherever a URL or secret is shown or logged.
public enum SecretMasker {
    /// `…send?key=693a…` → `…send?key=****b1c2`; Feishu hook tokens in the path likewise.
    public static func maskURL(_ url: String) -> String {
        var out = url
        for name in ["key", "access_token", "token", "secret", "sign"] {
            out = maskQueryValue(out, name: name)
        }
        if let range = out.range(of: "/hook/") {
            let token = out[range.upperBound...].prefix { $0 != "?" && $0 != "/" }
            out.replaceSubrange(range.upperBound..<out.index(range.upperBound, offsetBy: token.count), with: mask(String(token)))
        }
        return out
    }

    /// A proxy URL with its credentials masked (`http://user:****@host:port`).
    public static func maskProxy(_ url: String) -> String { ProxySettings.masked(url) }

    /// Shows at most the last four characters.
    public static func mask(_ secret: String) -> String {
        secret.isEmpty ? "" : "****" + (secret.count > 8 ? String(secret.suffix(4)) : "")
    }

    static func maskQueryValue(_ url: String, name: String) -> String {
        var out = url
        var searchStart = out.startIndex
        while let r = out.range(of: name + "=", range: searchStart..<out.endIndex) {
            let before = r.lowerBound == out.startIndex ? nil : out[out.index(before: r.lowerBound)]
            guard before == "?" || before == "&" else { searchStart = r.upperBound; continue }
            let valueEnd = out[r.upperBound...].firstIndex(of: "&") ?? out.endIndex
            let masked = mask(String(out[r.upperBound..<valueEnd]))
            out.replaceSubrange(r.upperBound..<valueEnd, with: masked)
            searchStart = out.index(r.upperBound, offsetBy: masked.count, limitedBy: out.endIndex) ?? out.endIndex
        }
        return out
    }
}
