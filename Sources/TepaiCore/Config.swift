import Foundation

/// The platforms a channel can push to.
public enum Platform: String, Sendable, CaseIterable, Codable {
    case wecom, dingtalk, feishu, slack, json, log
}

/// One configured push target: a group robot webhook and what it subscribes to.
public struct ChannelConfig: Sendable, Equatable {
    public var name: String
    public var platform: Platform
    public var url: String
    public var secret: String?
    public var format: String
    /// "市级", county names, or "*" for all.
    public var regions: [String]
    public var kinds: [EntryKind]
    public var topics: [String]
    public var enabled: Bool
    /// The HTTP(S) or SOCKS proxy this channel's webhook is reached through (its own `proxy` key, else the
    /// global one); nil = direct. May carry credentials: show it only through `SecretMasker.maskProxy`.
    public var proxy: String?
    /// Hosts reached directly even when `proxy` is set (curl's comma-separated `no_proxy` list).
    public var noProxy: String?

    public init(name: String, platform: Platform, url: String = "", secret: String? = nil, format: String = "text",
                regions: [String] = ["*"], kinds: [EntryKind] = [], topics: [String] = [], enabled: Bool = true,
                proxy: String? = nil, noProxy: String? = nil) {
        self.name = name
        self.platform = platform
        self.url = url
        self.secret = secret
        self.format = format
        self.regions = regions
        self.kinds = kinds
        self.topics = topics
        self.enabled = enabled
        self.proxy = proxy
        self.noProxy = noProxy
    }
}

/// The whole configuration file, validated.
public struct TepaiConfig: Sendable {
    public static let defaultCounties = [
        "路南区", "路北区", "古冶区", "开平区", "丰南区", "丰润区", "曹妃甸区",
        "滦州市", "滦南县", "乐亭县", "迁西县", "玉田县", "遵化市", "迁安市",
    ]

    public var timezone: TimeZone
    public var database: String
    public var serverHost: String
    public var serverPort: Int
    /// Mark the console's session cookie `Secure` (set it when the console is reached over HTTPS).
    public var secureCookies: Bool
    /// Empty means the admin API is switched off.
    public var adminToken: String
    public var contact: String
    public var counties: [String]
    public var lexiconPath: String
    public var templatesPath: String
    public var templateOverridesPath: String?
    public var strictImport: Bool
    public var channels: [ChannelConfig]
    /// The global `proxy` / `no_proxy` keys: the default of every channel without its own (already applied to
    /// `channels`; kept for display).
    public var proxy: String?
    public var noProxy: String?
    /// Queries a client may send per minute to the public query API (0 = no limit).
    public var queryRateLimitPerMinute: Int
    /// Recent answers kept in memory (0 = none); dropped whenever the content, lexicon or templates change.
    public var answerCacheSize: Int
    /// Days the delivery log keeps each attempt (0 = forever): a daemon sending for years must not grow its
    /// database without end. The outbox's own rows stay; they stop a re-run from sending twice.
    public var deliveryLogDays: Int
    /// Digest and reminder jobs, read in `timezone`.
    public var schedules: [ScheduleConfig]
    /// Questions asked in groups: the secrets inbound callbacks are checked with (empty = route off).
    public var callbacks: CallbackConfig
    /// Watched folders and feeds the daemon pulls entries from (none by default).
    public var sources: [SourceConfig]

    public init() {
        timezone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt
        database = "data/tepai.sqlite"
        serverHost = "127.0.0.1"
        serverPort = 8080
        secureCookies = false
        adminToken = ""
        contact = "市科技局"
        counties = Self.defaultCounties
        lexiconPath = "config/lexicon.yaml"
        templatesPath = "Templates"
        templateOverridesPath = nil
        strictImport = false
        channels = [ChannelConfig(name: "local-log", platform: .log, format: "text")]
        proxy = nil
        noProxy = nil
        queryRateLimitPerMinute = 120
        answerCacheSize = 4096
        deliveryLogDays = 90
        schedules = Self.defaultSchedules
        callbacks = CallbackConfig()
        sources = []
    }

    /// Monday morning round-ups, the fairs on Wednesday, reminders every morning (all Asia/Shanghai).
    public static var defaultSchedules: [ScheduleConfig] {
        func job(_ name: String, _ digest: DigestKind, _ cron: String) -> [ScheduleConfig] {
            // The expressions are literals that parse; `try?` keeps this initialiser total.
            (try? CronExpression(cron)).map { [ScheduleConfig(name: name, digest: digest, cron: $0, jitterSeconds: 120)] } ?? []
        }
        return job("weekly-policy", .policy, "0 9 * * MON") + job("upcoming-trainings", .trainings, "30 9 * * MON")
            + job("matchmaking-fairs", .fairs, "0 10 * * WED") + job("reminders", .reminders, "0 9 * * *")
    }

    /// Every region name an entry may carry: 市级 and the counties.
    public var knownRegions: Set<String> { Set(counties + [Region.city]) }

    public var regionCatalog: RegionCatalog { RegionCatalog(counties: counties) }
}

/// Secrets of the inbound callbacks; a route whose secret is empty answers 404.
public struct CallbackConfig: Sendable, Equatable {
    public static let defaultFeishuAPIBase = "https://open.feishu.cn"

    /// The DingTalk app's AppSecret: `timestamp`/`sign` headers are checked with it.
    public var dingTalkAppSecret = ""
    /// Bearer token of the generic JSON callback.
    public var genericToken = ""
    /// The Feishu app's Verification Token: the `token` of every event is checked against it.
    public var feishuVerificationToken = ""
    /// The Feishu app's Encrypt Key (optional): bodies are AES-256-CBC encrypted and signed with it.
    public var feishuEncryptKey = ""
    /// The Feishu app's App ID and App Secret: replies are sent through the open API with them.
    public var feishuAppID = ""
    public var feishuAppSecret = ""
    /// Where the Feishu open API is (tests point it at a local peer); no trailing slash.
    public var feishuAPIBase = CallbackConfig.defaultFeishuAPIBase
    /// The WeCom AI bot's Token (signatures) and EncodingAESKey (43 characters, AES-256 key of the bodies).
    public var weComToken = ""
    public var weComEncodingAESKey = ""

    public init() {}

    /// The Feishu route needs all three; without them it answers 404.
    public var feishuEnabled: Bool { !feishuAppID.isEmpty && !feishuAppSecret.isEmpty && !feishuVerificationToken.isEmpty }
    public var weComEnabled: Bool { !weComToken.isEmpty && !weComEncodingAESKey.isEmpty }
}

/// Why a configuration was refused; the message names the key and what to do.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var key: String
    public var reason: String
    public var source: String

    public init(source: String, key: String, reason: String) {
        self.source = source
        self.key = key
        self.reason = reason
    }

    public var description: String { "\(source): \(key.isEmpty ? "" : "key \"\(key)\": ")\(reason)" }
}
