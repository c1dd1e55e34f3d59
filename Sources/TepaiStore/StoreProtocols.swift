import Foundation
import TepaiCore

/// The seams between the daemon and its database. The SQLite types (`SQLiteOutbox`, `DigestLedger`, …) and
/// the PostgreSQL ones (module TepaiPostgres) conform; call sites hold `any …` so a deployment chooses its
/// backend by the `database` setting alone.

/// The durable outbox: enqueue by idempotency key, claim due messages, record each attempt's outcome.
public protocol OutboxStore: Sendable {
    var policy: RetryPolicy { get }
    /// Inserts messages whose idempotency key is new; returns how many were new.
    @discardableResult func enqueue(_ messages: [OutboxMessage]) async throws -> Int
    /// Claims up to `limit` due messages, leaving those of `held` channels pending.
    func claim(limit: Int, now: Double, held: Set<String>) async throws -> [OutboxMessage]
    /// Records the results of a pass in one transaction.
    func recordAll(_ results: [(OutboxMessage, AttemptResult, Double)], now: Double, random: @Sendable () -> Double) async throws
    /// Puts a claimed message back untouched (rate limit), without counting an attempt.
    func release(_ message: OutboxMessage, until: Double) async throws
    /// Messages whose sender stopped before it knew the outcome go back to pending; returns how many.
    @discardableResult func recoverInFlight() async throws -> Int
    @discardableResult func retryDead(channel: String?, now: Double) async throws -> Int
    func counts() async throws -> [OutboxMessage.Status: Int]
    func messages(keys: [String]) async throws -> [OutboxMessage]
    /// The earliest time something becomes claimable, if anything will.
    func nextDue(held: Set<String>) async throws -> Double?
    func deliveryCounts() async throws -> [(channel: String, outcome: String, count: Int)]
    func deliveryLog(channel: String?) async throws -> [DeliveryLogEntry]
    /// Deletes the delivery log's attempts made before `cutoff` (seconds since 1970) and says how many went.
    /// The outbox itself is untouched: its idempotency keys keep a re-run from sending a message twice.
    @discardableResult func pruneDeliveryLog(before cutoff: Double) async throws -> Int
    /// The newest `limit` attempts (all, or failed ones only), newest first (the console's dashboard).
    func recentDeliveries(limit: Int, failuresOnly: Bool) async throws -> [DeliveryLogEntry]
    /// Each channel's newest `perChannel` attempts, oldest first within a channel.
    func recentDeliveries(channels: [String], perChannel: Int) async throws -> [String: [DeliveryLogEntry]]
}

extension OutboxStore {
    public func claim(limit: Int, now: Double) async throws -> [OutboxMessage] { try await claim(limit: limit, now: now, held: []) }
    public func nextDue() async throws -> Double? { try await nextDue(held: []) }
    public func deliveryLog() async throws -> [DeliveryLogEntry] { try await deliveryLog(channel: nil) }
    public func recentDeliveries(limit: Int) async throws -> [DeliveryLogEntry] {
        try await recentDeliveries(limit: limit, failuresOnly: false)
    }
    @discardableResult public func retryDead(now: Double) async throws -> Int { try await retryDead(channel: nil, now: now) }

    public func recordAll(_ results: [(OutboxMessage, AttemptResult, Double)], now: Double) async throws {
        try await recordAll(results, now: now, random: { Double.random(in: 0..<1) })
    }

    /// Records one attempt's result.
    public func record(_ message: OutboxMessage, result: AttemptResult, latencyMs: Double, now: Double,
                       random: Double = Double.random(in: 0..<1)) async throws {
        try await recordAll([(message, result, latencyMs)], now: now, random: { random })
    }
}

/// The memory of digests and schedules (digest runs and items, the last slot of each job).
public protocol DigestLedgerStore: Sendable {
    /// Reminders carry their own idempotency keys and go straight to the outbox.
    var outbox: any OutboxStore { get }
    func storedEntries(kinds: [EntryKind]) async throws -> [StoredEntry]
    func carried(channel: String, digest: String) async throws -> Set<String>
    func firstRun(channel: String, digest: String) async throws -> Date?
    /// Writes the run, its items and its messages; false (nothing written) when the period was committed before.
    func commit(_ c: DigestCommit, now: Date) async throws -> Bool
    func lastSlot(job: String) async throws -> Date?
    /// Moves the job's last slot from `from` to `to`; false when another process moved it first.
    func advance(job: String, from: Date?, to: Date) async throws -> Bool
    /// Takes the lease to run `job` for `slot`: one caller at a time runs one slot of a job; the lease passes
    /// to another caller once the slot is advanced past, or after `lease` seconds (its holder died).
    func claimSlot(job: String, slot: Date, now: Date, lease: TimeInterval) async throws -> Bool
}

/// Cron expressions changed in the web console, laid over the configured ones by job name.
public protocol ScheduleOverrideStore: Sendable {
    func all() async throws -> [String: String]
    /// Stores the cron and moves the job's last slot to `now` in one transaction.
    func set(job: String, cron: String, now: Date) async throws
    func remove(job: String) async throws
}

extension ScheduleOverrideStore {
    public func set(job: String, cron: String) async throws { try await set(job: job, cron: cron, now: Date()) }
}

/// Runtime on/off switches of channels.
public protocol ChannelSwitchStore: Sendable {
    func all() async throws -> [String: Bool]
    func set(_ channel: String, enabled: Bool, now: Date) async throws
}

extension ChannelSwitchStore {
    public func set(_ channel: String, enabled: Bool) async throws { try await set(channel, enabled: enabled, now: Date()) }
}

/// Platform events already handled, shared by every replica.
public protocol CallbackEventStoring: Sendable {
    func recordFirst(_ key: String, now: Date) async throws -> Bool
    func count() async throws -> Int
}

/// Per-source and per-file state of the content sources.
public protocol SourceStateStoring: Sendable {
    func state(source: String) async throws -> SourceState?
    func allStates() async throws -> [SourceState]
    func save(_ s: SourceState) async throws
    func files(source: String) async throws -> [String: SourceFileState]
    func saveFile(source: String, _ f: SourceFileState, at now: Date) async throws
    func forgetFiles(source: String, keeping paths: Set<String>) async throws
}

/// A whole backend: the entries plus the stores that share its database.
public protocol TepaiDatabase: ContentStore {
    /// Where the data lives, safe to log (a URL's password is masked).
    var location: String { get }
    /// Opens connections and brings the schema up to date; idempotent. Errors name the database.
    func prepare() async throws
    func makeOutbox(policy: RetryPolicy) -> any OutboxStore
    func makeLedger() -> any DigestLedgerStore
    func makeChannelSwitches() -> any ChannelSwitchStore
    func makeCallbackEvents() -> any CallbackEventStoring
    func makeSourceState() -> any SourceStateStoring
    func makeScheduleOverrides() -> any ScheduleOverrideStore
}

extension TepaiDatabase {
    public func makeOutbox() -> any OutboxStore { makeOutbox(policy: RetryPolicy()) }
}
