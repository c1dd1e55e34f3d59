import Foundation

/// Checks the `proxy` and `no_proxy` keys when the configuration is loaded, so a typo is reported at start-up
/// with the key's name instead of surfacing later as a curl error on every delivery.
public enum ProxySettings {
    /// The schemes curl can reach a proxy with.
    static let schemes = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"]

    /// Nil or empty text means "no proxy here". Otherwise a URL like `http://proxy.example:3128`, optionally
    /// with `user:password@`; anything else is refused.
    static func proxy(_ text: String?, key: String, source: String) throws(ConfigError) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let example = "expected a URL like http://proxy.example:3128 (scheme \(schemes.joined(separator: ", ")))"
        guard let comps = URLComponents(string: text), let scheme = comps.scheme?.lowercased() else {
            throw ConfigError(source: source, key: key, reason: "\"\(masked(text))\" is not a URL; \(example)")
        }
        guard schemes.contains(scheme) else {
            throw ConfigError(source: source, key: key, reason: "scheme \"\(scheme)\" is not supported; \(example)")
        }
        guard let host = comps.host, !host.isEmpty else {
            throw ConfigError(source: source, key: key, reason: "has no host; \(example)")
        }
        if let port = comps.port, !(1...65535).contains(port) {
            throw ConfigError(source: source, key: key, reason: "port \(port) is not 1–65535")
        }
        guard comps.path.isEmpty || comps.path == "/", comps.query == nil, comps.fragment == nil else {
            throw ConfigError(source: source, key: key, reason: "a proxy URL has no path or query; \(example)")
        }
        return text
    }

    /// The proxy URL with its password (or a lone user token) replaced by `****`, for logs and listings:
    /// `http://bot:s3cret@proxy:3128` → `http://bot:****@proxy:3128`.
    public static func masked(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let authorityEnd = url[schemeEnd.upperBound...].firstIndex(of: "/") ?? url.endIndex
        guard let at = url[schemeEnd.upperBound..<authorityEnd].lastIndex(of: "@") else { return url }
        let userInfo = url[schemeEnd.upperBound..<at]
        let shown = userInfo.firstIndex(of: ":").map { userInfo[..<$0] + ":****" } ?? "****"
        return url[..<schemeEnd.upperBound] + shown + url[at...]
    }

    /// A comma-separated list of host names, domains (`.example.com`), IP addresses or `*` (curl's format).
    static func noProxy(_ text: String?, key: String, source: String) throws(ConfigError) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let hosts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for host in hosts {
            guard !host.isEmpty, !host.contains("://"), !host.contains(where: \.isWhitespace) else {
                throw ConfigError(source: source, key: key,
                                  reason: "\"\(host)\" is not a host name; expected a comma-separated list like \"localhost,127.0.0.1,.internal.example\"")
            }
        }
        return hosts.joined(separator: ",")
    }
}
