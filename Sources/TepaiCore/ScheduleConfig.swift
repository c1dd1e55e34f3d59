import Foundation

/// What a scheduled job sends. Each digest has its own template and its own memory of what it already sent.
public enum DigestKind: String, Sendable, CaseIterable, Codable {
    /// Policies and notices new or changed since the channel's last policy round-up.
    case policy
    /// Trainings coming up within the horizon.
    case trainings
    /// Matchmaking fairs (成果对接会) coming up within the horizon, with their registration deadlines.
    case fairs
    /// Reminders: a configurable number of days before a registration deadline, and the day before an event.
    case reminders

    /// The entry kinds a digest is made of; a channel takes the digest when it subscribes to any of them.
    public var entryKinds: [EntryKind] {
        switch self {
        case .policy: [.policy, .notice]
        case .trainings: [.training]
        case .fairs: [.matching]
        case .reminders: [.training, .matching]
        }
    }

    /// The template that renders it (`Templates/<name>.mustache`, with per-format variants).
    public var templateName: String { "digest-\(rawValue)" }
}

/// One scheduled job of the configuration: a digest (or the reminders) on a cron schedule for some channels.
public struct ScheduleConfig: Sendable, Equatable {
    public var name: String
    public var digest: DigestKind
    public var cron: CronExpression
    /// Channel names, or ["*"] for every channel that subscribes to the digest's kinds.
    public var channels: [String]
    /// Each run waits a stable pseudo-random 0…jitter seconds after its slot, to spread bursts at :00 and :30.
    public var jitterSeconds: Int
    /// Send a short "nothing new" message when a round-up is empty (default: skip it).
    public var sendEmpty: Bool
    /// Most items in one round-up; the rest wait for the next one.
    public var maxItems: Int
    /// Trainings and fairs: how far ahead to look. Policy: how far back the first round-up of a channel looks.
    public var days: Int
    /// Reminders: days before a registration deadline at which to remind.
    public var deadlineDays: [Int]
    /// Reminders: also remind the day before an event.
    public var eveReminder: Bool
    public var enabled: Bool

    public init(name: String, digest: DigestKind, cron: CronExpression, channels: [String] = ["*"], jitterSeconds: Int = 0,
                sendEmpty: Bool = false, maxItems: Int = 20, days: Int? = nil, deadlineDays: [Int] = [3, 1],
                eveReminder: Bool = true, enabled: Bool = true) {
        self.name = name
        self.digest = digest
        self.cron = cron
        self.channels = channels
        self.jitterSeconds = jitterSeconds
        self.sendEmpty = sendEmpty
        self.maxItems = maxItems
        self.days = days ?? Self.defaultDays(digest)
        self.deadlineDays = deadlineDays
        self.eveReminder = eveReminder
        self.enabled = enabled
    }

    public static func defaultDays(_ digest: DigestKind) -> Int {
        switch digest {
        case .policy: 7
        case .trainings: 30
        case .fairs: 60
        case .reminders: 0
        }
    }

    /// The channels this job sends to, from the configured ones: named ones, or every enabled channel
    /// whose kinds take the digest.
    public func targets(in all: [ChannelConfig]) -> [ChannelConfig] {
        all.filter { c in
            guard c.enabled else { return false }
            if !channels.contains("*") { return channels.contains(c.name) }
            return c.kinds.isEmpty || !Set(c.kinds).isDisjoint(with: digest.entryKinds)
        }
    }
}
