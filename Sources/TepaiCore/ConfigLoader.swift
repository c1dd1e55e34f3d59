import Foundation

/// Reads `config/tepai.yaml`: substitutes `${NAME}` from the environment, refuses unknown keys, and checks
/// every value, naming the key and the fix.
public struct ConfigLoader: Sendable {
    public let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    static let topKeys: Set<String> = [
        "timezone", "database", "server", "admin_token", "admin_token_file", "contact", "counties", "lexicon",
        "templates", "template_overrides", "strict_import", "channels", "query_rate_limit_per_minute", "answer_cache_size", "schedules", "callbacks",
        "sources", "proxy", "no_proxy", "delivery_log_days",
    ]
    static let scheduleKeys: Set<String> = [
        "name", "digest", "cron", "channels", "jitter_seconds", "send_empty", "max_items", "days", "deadline_days",
        "eve_reminder", "enabled",
    ]
    static let channelKeys: Set<String> = [
        "name", "platform", "url", "secret", "format", "regions", "kinds", "topics", "enabled", "proxy", "no_proxy",
    ]
    static let sourceKeys: Set<String> = ["name", "type", "path", "url", "interval_seconds", "kind", "region", "tags"]
    static let formats: [Platform: [String]] = [
        .wecom: ["text", "markdown", "news"], .dingtalk: ["text", "markdown", "actioncard"],
        .feishu: ["text", "post", "card"], .slack: ["text", "markdown"], .json: ["text", "markdown"],
        .log: ["text", "markdown"],
    ]

    /// Loads a file; a missing file at the default path gives the built-in defaults.
    public func load(path: String, mustExist: Bool) throws(ConfigError) -> TepaiConfig {
        guard FileManager.default.fileExists(atPath: path) else {
            if mustExist { throw ConfigError(source: path, key: "", reason: "file not found; pass --config with the path of tepai.yaml") }
            return TepaiConfig()
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(source: path, key: "", reason: "cannot read the file as UTF-8 text")
        }
        return try parse(text, source: path)
    }

    public func parse(_ text: String, source: String) throws(ConfigError) -> TepaiConfig {
        let root: RawValue
        do { root = try RawValue.parseYAML(text) } catch {
            throw ConfigError(source: source, key: "", reason: "not valid YAML (\(error))")
        }
        if root.isNull { return TepaiConfig() }
        guard let top = root.objectValue else { throw ConfigError(source: source, key: "", reason: "expected key: value pairs at the top level") }
        let r = ValueReader(source: source, environment: environment)
        try r.rejectUnknown(top, allowed: Self.topKeys, path: "")

        var c = TepaiConfig()
        if let tz = try r.text(top["timezone"], "timezone") {
            guard let zone = TimeZone(identifier: tz) else {
                throw ConfigError(source: source, key: "timezone", reason: "\"\(tz)\" is not a time zone name (for example Asia/Shanghai)")
            }
            c.timezone = zone
        }
        if let db = try r.text(top["database"], "database"), !db.isEmpty { c.database = db }
        if let server = top["server"], !server.isNull {
            guard let s = server.objectValue else { throw ConfigError(source: source, key: "server", reason: "expected {host, port}") }
            try r.rejectUnknown(s, allowed: ["host", "port", "secure_cookies"], path: "server.")
            if let secure = try r.bool(s["secure_cookies"], "server.secure_cookies") { c.secureCookies = secure }
            if let host = try r.text(s["host"], "server.host") { c.serverHost = host }
            if let port = try r.int(s["port"], "server.port") {
                guard (0...65535).contains(port) else { throw ConfigError(source: source, key: "server.port", reason: "must be 0–65535") }
                c.serverPort = port
            }
        }
        c.adminToken = try r.text(top["admin_token"], "admin_token") ?? ""
        if let file = try r.text(top["admin_token_file"], "admin_token_file"), !file.isEmpty {
            guard let token = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigError(source: source, key: "admin_token_file", reason: "cannot read \(file)")
            }
            c.adminToken = token.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let contact = try r.text(top["contact"], "contact"), !contact.isEmpty { c.contact = contact }
        if let counties = try r.textList(top["counties"], "counties") { c.counties = counties }
        if let lexicon = try r.text(top["lexicon"], "lexicon") { c.lexiconPath = lexicon }
        if let templates = try r.text(top["templates"], "templates") { c.templatesPath = templates }
        c.templateOverridesPath = try r.text(top["template_overrides"], "template_overrides")
        if let strict = try r.bool(top["strict_import"], "strict_import") { c.strictImport = strict }
        if let limit = try r.int(top["query_rate_limit_per_minute"], "query_rate_limit_per_minute") { c.queryRateLimitPerMinute = max(0, limit) }
        if let size = try r.int(top["answer_cache_size"], "answer_cache_size") {
            guard size >= 0 else { throw ConfigError(source: source, key: "answer_cache_size", reason: "must be 0 (no cache) or more, found \(size)") }
            c.answerCacheSize = size
        }
        if let days = try r.int(top["delivery_log_days"], "delivery_log_days") {
            guard days >= 0 else { throw ConfigError(source: source, key: "delivery_log_days", reason: "must be 0 (keep every attempt) or more days, found \(days)") }
            c.deliveryLogDays = days
        }
        c.proxy = try ProxySettings.proxy(r.text(top["proxy"], "proxy"), key: "proxy", source: source)
        c.noProxy = try ProxySettings.noProxy(r.text(top["no_proxy"], "no_proxy"), key: "no_proxy", source: source)
        let proxyDefaults = (proxy: c.proxy, noProxy: c.noProxy)
        if let channels = try namedList(top["channels"], "channels", source: source, name: \ChannelConfig.name, item: { (item, i) throws(ConfigError) in
            try channel(item, index: i, reader: r, known: c.knownRegions, proxyDefaults: proxyDefaults)
        }) { c.channels = channels }
        if let callbacks = top["callbacks"], !callbacks.isNull {
            guard let o = callbacks.objectValue else { throw ConfigError(source: source, key: "callbacks", reason: "expected {dingtalk_app_secret, generic_token, feishu_…, wecom_…}") }
            c.callbacks = try self.callbacks(o, reader: r)
        }
        let channels = c.channels
        if let schedules = try namedList(top["schedules"], "schedules", source: source, name: \ScheduleConfig.name, item: { (item, i) throws(ConfigError) in
            try schedule(item, index: i, reader: r, channels: channels)
        }) { c.schedules = schedules }
        let known = c.knownRegions
        if let sources = try namedList(top["sources"], "sources", source: source, name: \SourceConfig.name, item: { (item, i) throws(ConfigError) in
            try self.source(item, index: i, reader: r, known: known)
        }) { c.sources = sources }
        return c
    }

    /// A list of named items (channels, schedules, sources): each item read on its own, names unique. Nil when
    /// the key is absent or null.
    func namedList<T>(_ raw: RawValue?, _ key: String, source: String, name: (T) -> String,
                      item: (RawValue, Int) throws(ConfigError) -> T) throws(ConfigError) -> [T]? {
        guard let raw, !raw.isNull else { return nil }
        guard case .array(let items) = raw else { throw ConfigError(source: source, key: key, reason: "expected a list of \(key)") }
        var list: [T] = []
        for (i, element) in items.enumerated() { list.append(try item(element, i)) }
        var names = Set<String>()
        for (i, value) in list.enumerated() where !names.insert(name(value)).inserted {
            throw ConfigError(source: source, key: "\(key)[\(i)].name", reason: "two \(key) are named \"\(name(value))\"; names must be unique")
        }
        return list
    }

    static let callbackKeys: Set<String> = [
        "dingtalk_app_secret", "generic_token", "feishu_verification_token", "feishu_encrypt_key", "feishu_app_id",
        "feishu_app_secret", "feishu_api_base", "wecom_token", "wecom_encoding_aes_key",
    ]

    func callbacks(_ o: [String: RawValue], reader r: ValueReader) throws(ConfigError) -> CallbackConfig {
        try r.rejectUnknown(o, allowed: Self.callbackKeys, path: "callbacks.")
        func text(_ key: String) throws(ConfigError) -> String {
            try r.text(o[key], "callbacks." + key) ?? ""
        }
        var c = CallbackConfig()
        c.dingTalkAppSecret = try text("dingtalk_app_secret")
        c.genericToken = try text("generic_token")
        c.feishuVerificationToken = try text("feishu_verification_token")
        c.feishuEncryptKey = try text("feishu_encrypt_key")
        c.feishuAppID = try text("feishu_app_id")
        c.feishuAppSecret = try text("feishu_app_secret")
        var base = try text("feishu_api_base")
        while base.hasSuffix("/") { base.removeLast() }
        if !base.isEmpty {
            guard base.hasPrefix("https://") || base.hasPrefix("http://") else {
                throw ConfigError(source: r.source, key: "callbacks.feishu_api_base", reason: "must be an http(s) URL such as \(CallbackConfig.defaultFeishuAPIBase)")
            }
            c.feishuAPIBase = base
        }
        // Half a Feishu setup is a mistake (usually an unset environment variable): name the missing key.
        let feishu = [("feishu_app_id", c.feishuAppID), ("feishu_app_secret", c.feishuAppSecret),
                      ("feishu_verification_token", c.feishuVerificationToken)]
        if !c.feishuEncryptKey.isEmpty || feishu.contains(where: { !$0.1.isEmpty }), let missing = feishu.first(where: { $0.1.isEmpty }) {
            throw ConfigError(source: r.source, key: "callbacks." + missing.0,
                              reason: "is empty while other feishu_ keys are set; the Feishu callback needs feishu_app_id, feishu_app_secret and feishu_verification_token (is its environment variable set?)")
        }
        c.weComToken = try text("wecom_token")
        c.weComEncodingAESKey = try text("wecom_encoding_aes_key")
        if c.weComToken.isEmpty != c.weComEncodingAESKey.isEmpty {
            throw ConfigError(source: r.source, key: c.weComToken.isEmpty ? "callbacks.wecom_token" : "callbacks.wecom_encoding_aes_key",
                              reason: "is empty; the WeCom callback needs both wecom_token and wecom_encoding_aes_key (is its environment variable set?)")
        }
        if !c.weComEncodingAESKey.isEmpty {
            // 43 base64 characters: the 32-byte AES key without its "=" padding.
            let key = c.weComEncodingAESKey
            guard key.count == 43, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
                  Data(base64Encoded: key + "=")?.count == 32 else {
                throw ConfigError(source: r.source, key: "callbacks.wecom_encoding_aes_key",
                                  reason: "must be the 43 letters and digits of the bot's EncodingAESKey")
            }
        }
        return c
    }

    /// One watched folder or feed. Keys are named by position (`sources[2].url`), as a source's name may be
    /// the very thing that is wrong.
    func source(_ raw: RawValue, index: Int, reader r: ValueReader, known: Set<String>) throws(ConfigError) -> SourceConfig {
        let at = "sources[\(index)]"
        guard let o = raw.objectValue else { throw ConfigError(source: r.source, key: at, reason: "expected name, type, path or url …") }
        try r.rejectUnknown(o, allowed: Self.sourceKeys, path: at + ".")
        guard let name = try r.text(o["name"], at + ".name"), !name.isEmpty else {
            throw ConfigError(source: r.source, key: at + ".name", reason: "every source needs a name")
        }
        guard name.count <= SourceConfig.maxNameLength, !name.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw ConfigError(source: r.source, key: at + ".name", reason: "must be at most \(SourceConfig.maxNameLength) characters without spaces (it prefixes the ids of the source's entries)")
        }
        guard let typeText = try r.text(o["type"], at + ".type"), let type = SourceType(rawValue: typeText) else {
            throw ConfigError(source: r.source, key: at + ".type", reason: "must be one of \(SourceType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var config = SourceConfig(name: name, type: type)
        if type == .folder {
            if o["url"] != nil { throw ConfigError(source: r.source, key: at + ".url", reason: "a folder source takes a path, not a url") }
            for key in ["kind", "region", "tags"] where o[key] != nil {
                throw ConfigError(source: r.source, key: at + "." + key, reason: "only feed sources take \(key); entry files carry their own")
            }
            guard let path = try r.text(o["path"], at + ".path"), !path.isEmpty else {
                throw ConfigError(source: r.source, key: at + ".path", reason: "a folder source needs the path of the folder to watch")
            }
            config.path = path
        } else {
            if o["path"] != nil { throw ConfigError(source: r.source, key: at + ".path", reason: "a \(type.rawValue) feed takes a url, not a path") }
            let url = try r.text(o["url"], at + ".url") ?? ""
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw ConfigError(source: r.source, key: at + ".url", reason: url.isEmpty
                    ? "is empty; set the feed's full http(s) URL (is its environment variable set?)"
                    : "must be a full http(s) URL, not \"\(url)\"")
            }
            config.url = url
        }
        if let interval = try r.int(o["interval_seconds"], at + ".interval_seconds") {
            guard interval >= type.minimumInterval else {
                throw ConfigError(source: r.source, key: at + ".interval_seconds", reason: "must be at least \(type.minimumInterval) for a \(type.rawValue) source, found \(interval)")
            }
            config.intervalSeconds = interval
        }
        if let kindText = try r.text(o["kind"], at + ".kind") {
            guard let kind = EntryKind(rawValue: kindText) else {
                throw ConfigError(source: r.source, key: at + ".kind", reason: "\"\(kindText)\" is not one of \(EntryKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            config.kind = kind
        }
        if let region = try r.text(o["region"], at + ".region") {
            guard region.isEmpty || known.contains(region) else {
                throw ConfigError(source: r.source, key: at + ".region", reason: "unknown region \"\(region)\"; use \"\" for national rules, 市级, or a county from \"counties\"")
            }
            config.region = region
        }
        let tags = try r.textList(o["tags"], at + ".tags") ?? []
        for tag in tags where tag.isEmpty || tag.count > EntryValidator.maxTagLength {
            throw ConfigError(source: r.source, key: at + ".tags", reason: "tags must be non-empty and at most \(EntryValidator.maxTagLength) characters")
        }
        config.tags = tags
        return config
    }

    func schedule(_ raw: RawValue, index: Int, reader r: ValueReader, channels: [ChannelConfig]) throws(ConfigError) -> ScheduleConfig {
        let path = "schedules[\(index)]"
        guard let o = raw.objectValue else { throw ConfigError(source: r.source, key: path, reason: "expected name, digest, cron …") }
        try r.rejectUnknown(o, allowed: Self.scheduleKeys, path: path + ".")
        guard let name = try r.text(o["name"], path + ".name"), !name.isEmpty else {
            throw ConfigError(source: r.source, key: path + ".name", reason: "every schedule needs a name")
        }
        let at = "schedules[\(name)]"
        guard let digestText = try r.text(o["digest"], at + ".digest"), let digest = DigestKind(rawValue: digestText) else {
            throw ConfigError(source: r.source, key: at + ".digest", reason: "must be one of \(DigestKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let cronText = try r.text(o["cron"], at + ".cron"), !cronText.isEmpty else {
            throw ConfigError(source: r.source, key: at + ".cron", reason: "every schedule needs a cron expression, for example \"0 9 * * MON\"")
        }
        let cron: CronExpression
        do { cron = try CronExpression(cronText) } catch { throw ConfigError(source: r.source, key: at + ".cron", reason: error.description) }
        let targets = try r.textList(o["channels"], at + ".channels") ?? ["*"]
        for t in targets where t != "*" && !channels.contains(where: { $0.name == t }) {
            throw ConfigError(source: r.source, key: at + ".channels", reason: "no channel named \"\(t)\" (channels are listed under \"channels\")")
        }
        func nonNegative(_ key: String) throws(ConfigError) -> Int? {
            guard let n = try r.int(o[key], at + "." + key) else { return nil }
            guard n >= 0 else { throw ConfigError(source: r.source, key: at + "." + key, reason: "must be 0 or more") }
            return n
        }
        var deadlineDays: [Int] = [3, 1]
        if let list = try r.textList(o["deadline_days"], at + ".deadline_days") {
            deadlineDays = []
            for item in list {
                guard let n = Int(item), n >= 0 else {
                    throw ConfigError(source: r.source, key: at + ".deadline_days", reason: "\"\(item)\" is not a number of days (0 or more)")
                }
                deadlineDays.append(n)
            }
        }
        let maxItems = try nonNegative("max_items") ?? 20
        guard maxItems > 0 else { throw ConfigError(source: r.source, key: at + ".max_items", reason: "must be at least 1") }
        return ScheduleConfig(
            name: name, digest: digest, cron: cron, channels: targets, jitterSeconds: try nonNegative("jitter_seconds") ?? 0,
            sendEmpty: try r.bool(o["send_empty"], at + ".send_empty") ?? false, maxItems: maxItems,
            days: try nonNegative("days"), deadlineDays: deadlineDays,
            eveReminder: try r.bool(o["eve_reminder"], at + ".eve_reminder") ?? true,
            enabled: try r.bool(o["enabled"], at + ".enabled") ?? true)
    }

    func channel(_ raw: RawValue, index: Int, reader r: ValueReader, known: Set<String>,
                 proxyDefaults: (proxy: String?, noProxy: String?) = (nil, nil)) throws(ConfigError) -> ChannelConfig {
        let path = "channels[\(index)]"
        guard let o = raw.objectValue else { throw ConfigError(source: r.source, key: path, reason: "expected name, platform, url …") }
        try r.rejectUnknown(o, allowed: Self.channelKeys, path: path + ".")
        guard let name = try r.text(o["name"], path + ".name"), !name.isEmpty else {
            throw ConfigError(source: r.source, key: path + ".name", reason: "every channel needs a name")
        }
        let at = "channels[\(name)]"
        guard let platformText = try r.text(o["platform"], at + ".platform"), let platform = Platform(rawValue: platformText) else {
            throw ConfigError(source: r.source, key: at + ".platform", reason: "must be one of \(Platform.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let url = try r.text(o["url"], at + ".url") ?? ""
        if platform != .log {
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw ConfigError(source: r.source, key: at + ".url", reason: url.isEmpty
                    ? "is empty; set the full webhook URL (is its environment variable set?)"
                    : "must be a full http(s) webhook URL")
            }
        }
        let secret = try r.text(o["secret"], at + ".secret").flatMap { $0.isEmpty ? nil : $0 }
        let format = (try r.text(o["format"], at + ".format") ?? "text").lowercased()
        let allowed = Self.formats[platform] ?? ["text"]
        guard allowed.contains(format) else {
            throw ConfigError(source: r.source, key: at + ".format", reason: "\(platform.rawValue) takes \(allowed.joined(separator: ", ")), not \"\(format)\"")
        }
        let regions = try r.textList(o["regions"], at + ".regions") ?? ["*"]
        for region in regions where region != "*" && !known.contains(region) {
            throw ConfigError(source: r.source, key: at + ".regions", reason: "unknown region \"\(region)\"; use 市级, a county from \"counties\", or *")
        }
        var kinds: [EntryKind] = []
        for k in try r.textList(o["kinds"], at + ".kinds") ?? [] {
            guard let kind = EntryKind(rawValue: k) else {
                throw ConfigError(source: r.source, key: at + ".kinds", reason: "\"\(k)\" is not one of \(EntryKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kinds.append(kind)
        }
        // A channel's own proxy keys win; without them it uses the global ones.
        let proxy = try ProxySettings.proxy(r.text(o["proxy"], at + ".proxy"), key: at + ".proxy", source: r.source)
        let noProxy = try ProxySettings.noProxy(r.text(o["no_proxy"], at + ".no_proxy"), key: at + ".no_proxy", source: r.source)
        return ChannelConfig(
            name: name, platform: platform, url: url, secret: secret, format: format, regions: regions, kinds: kinds,
            topics: try r.textList(o["topics"], at + ".topics") ?? [], enabled: try r.bool(o["enabled"], at + ".enabled") ?? true,
            proxy: proxy ?? proxyDefaults.proxy, noProxy: noProxy ?? proxyDefaults.noProxy)
    }
}

/// Typed reads of configuration values with `${NAME}` substitution.
struct ValueReader {
    let source: String
    let environment: [String: String]

    func rejectUnknown(_ o: [String: RawValue], allowed: Set<String>, path: String) throws(ConfigError) {
        for key in o.keys.sorted() where !allowed.contains(key) {
            throw ConfigError(source: source, key: path + key, reason: "unknown key; known keys here: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    func text(_ v: RawValue?, _ key: String) throws(ConfigError) -> String? {
        switch v {
        case nil, .null?: return nil
        case .string(let s)?: return try substitute(s, key)
        case .number(let n)?: return n == n.rounded() ? String(Int(n)) : String(n)
        case .bool(let b)?: return String(b)
        case let other?: throw ConfigError(source: source, key: key, reason: "expected text, found \(other.typeName)")
        }
    }

    func int(_ v: RawValue?, _ key: String) throws(ConfigError) -> Int? {
        guard let t = try text(v, key), !t.isEmpty else { return nil }
        guard let n = Int(t) else { throw ConfigError(source: source, key: key, reason: "expected a whole number, found \"\(t)\"") }
        return n
    }

    func bool(_ v: RawValue?, _ key: String) throws(ConfigError) -> Bool? {
        guard let t = try text(v, key), !t.isEmpty else { return nil }
        switch t.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigError(source: source, key: key, reason: "expected true or false, found \"\(t)\"")
        }
    }

    func textList(_ v: RawValue?, _ key: String) throws(ConfigError) -> [String]? {
        switch v {
        case nil, .null?: return nil
        case .array(let items)?:
            var out: [String] = []
            for item in items {
                guard let t = try text(item, key) else { continue }
                out.append(t)
            }
            return out
        case let other?: throw ConfigError(source: source, key: key, reason: "expected a list like [a, b], found \(other.typeName)")
        }
    }

    /// Replaces `${NAME}` with the environment's value; an unset variable becomes empty text, and the
    /// key's own check then says what is missing.
    func substitute(_ s: String, _ key: String) throws(ConfigError) -> String {
        guard s.contains("${") else { return s }
        var out = ""
        var rest = Substring(s)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw ConfigError(source: source, key: key, reason: "\"${\" without a closing \"}\"")
            }
            let name = String(rest[start.upperBound..<end])
            out += environment[name] ?? ""
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }
}
