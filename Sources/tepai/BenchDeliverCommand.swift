import ArgumentParser
import Foundation
import Logging
import TepaiCore
import TepaiDelivery
import TepaiPostgres
import TepaiStore

/// Pushes generated messages through the real outbox and worker to a local sink: enqueue, claim, send
/// through libcurl, record each answer. Rate limits off, as a throughput ceiling.
struct BenchDeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver", abstract: "Outbox throughput to a local sink, printed as one JSON line.")

    @Option(help: "Base URL of the sink; channel i posts to SINK/hook/i.") var sink: String
    @Option(help: "Messages in all.") var messages = 10_000
    @Option(help: "Channels (robots).") var channels = 100
    @Option(help: "Messages claimed per outbox pass.") var claim = 256
    @Option(help: "Outbox passes sending at once.") var passes = 3
    @Option(help: "Transfers the curl multi handle runs at once.") var transfers = 128
    @Option(help: "Database file (deleted first), or a postgres:// URL (its outbox emptied first).")
    var db = "/tmp/tepai-bench-deliver.sqlite"
    @Flag(help: "Only empty the outbox and enqueue the messages (for --drain-only replicas).") var enqueueOnly = false
    @Flag(help: "Only send what the outbox holds, until it is settled; several processes may drain one PostgreSQL outbox.")
    var drainOnly = false
    @Flag(help: "Send straight through the transport, one task per channel, no outbox: the transport's own ceiling.")
    var transportOnly = false
    @Flag(help: "Only the outbox's bookkeeping, no network: enqueue, claim, and record every message delivered.")
    var storeOnly = false

    func run() async throws {
        if transportOnly {
            try await sendWithoutOutbox()
            return
        }
        let store: any TepaiDatabase
        if PostgresURL.isPostgres(db) {
            let pg = try PostgresStore(url: db, logger: Logger(label: "bench"))
            try await pg.prepare()
            if !drainOnly { try await pg.execute("TRUNCATE outbox, delivery_log") }
            store = pg
        } else {
            if !drainOnly { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) } }
            store = try SQLiteStore(path: db)
        }
        let outbox = store.makeOutbox()
        let configs = (0..<channels).map { ChannelConfig(name: "c\($0)", platform: .json, url: "\(sink)/hook/\($0)", format: "text") }
        let now = Date().timeIntervalSince1970
        let batch = (0..<messages).map { i in
            OutboxMessage(idempotencyKey: "bench-\(i)", channel: "c\(i % channels)", title: "本周科技政策",
                          content: "【政策】关于做好2026年度高新技术企业认定申报工作的通知 第\(i)条", url: nil, part: 1, parts: 1, now: now)
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        var worker = OutboxWorker(outbox: outbox, sender: ChannelSender(transport: CurlTransport(maxTransfers: transfers), logger: logger),
                                  limiter: RobotRateLimiter(enabled: false), channels: ChannelDirectory(configs), logger: logger)
        worker.batchSize = claim
        worker.passesInFlight = passes
        if enqueueOnly {
            try await outbox.enqueue(batch)
            print(try Output.json(["engine": "tepai outbox", "enqueued": "\(messages)", "database": Self.masked(db)]))
            return
        }
        if drainOnly {
            try await drain(worker, outbox)
            return
        }
        if storeOnly {
            try await bookkeepingOnly(outbox, batch)
            return
        }
        let started = ContinuousClock.now
        try await outbox.enqueue(batch)
        let enqueued = ContinuousClock.now - started
        try await worker.drain(deadline: Date().addingTimeInterval(600))
        let total = ContinuousClock.now - started
        let delivered = try await outbox.counts()[.delivered] ?? 0
        let seconds = total.seconds
        print(try Output.json([
            "engine": "tepai outbox", "messages": "\(messages)", "channels": "\(channels)", "delivered": "\(delivered)",
            "enqueue_s": String(format: "%.3f", enqueued.seconds), "total_s": String(format: "%.3f", seconds),
            "msgs_per_s": String(format: "%.0f", Double(delivered) / seconds),
        ]))
    }

    /// Sends until nothing is pending or in flight anywhere; prints this process's count and the wall-clock
    /// times of its start and of its last send, so a script can time several replicas together.
    func drain(_ worker: OutboxWorker, _ outbox: any OutboxStore) async throws {
        let start = Date().timeIntervalSince1970
        var last = start, sent = 0
        let deadline = Date().addingTimeInterval(600)
        while Date() < deadline {
            let made = try await worker.runOnce()
            if made > 0 {
                sent += made
                last = Date().timeIntervalSince1970
                continue
            }
            let counts = try await outbox.counts()
            if (counts[.pending] ?? 0) + (counts[.sending] ?? 0) == 0 { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        print(try Output.json([
            "engine": "tepai outbox replica", "sent": "\(sent)", "start": String(format: "%.3f", start),
            "last_send": String(format: "%.3f", last), "database": Self.masked(db),
        ]))
    }

    /// The durable steps of every message without sending it: enqueue, claim in passes, record each as
    /// delivered in groups the size the recorder gathers against a fast sink. Prints microseconds per message
    /// for each step, the share of the outbox's cost that no transport can hide.
    func bookkeepingOnly(_ outbox: any OutboxStore, _ batch: [OutboxMessage]) async throws {
        let clock = ContinuousClock()
        let t0 = clock.now
        try await outbox.enqueue(batch)
        let t1 = clock.now
        var claimed: [OutboxMessage] = []
        while true {
            let pass = try await outbox.claim(limit: claim, now: Date().timeIntervalSince1970 + 1, held: [])
            if pass.isEmpty { break }
            claimed += pass
        }
        let t2 = clock.now
        // About what the recorder gathers in its 5 ms wait at 17k answers a second.
        let group = 85
        var start = 0
        while start < claimed.count {
            let answers = claimed[start..<min(start + group, claimed.count)].map { ($0, AttemptResult.delivered, 0.2) }
            try await outbox.recordAll(answers, now: Date().timeIntervalSince1970)
            start += group
        }
        let t3 = clock.now
        let perMessage = { (d: Duration) in String(format: "%.1f", d.seconds * 1e6 / Double(max(1, batch.count))) }
        print(try Output.json([
            "engine": "tepai outbox bookkeeping", "messages": "\(batch.count)", "claimed": "\(claimed.count)",
            "enqueue_us": perMessage(t1 - t0), "claim_us": perMessage(t2 - t1), "record_us": perMessage(t3 - t2),
            "total_us": perMessage(t3 - t0),
        ]))
    }

    static func masked(_ db: String) -> String { PostgresURL.isPostgres(db) ? PostgresURL.mask(db) : db }
}

extension BenchDeliverCommand {
    /// The same messages and channels without the outbox, so a run shows how much of the time is the
    /// transport and how much the durable bookkeeping around it.
    func sendWithoutOutbox() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let sender = ChannelSender(transport: CurlTransport(maxTransfers: transfers), logger: logger)
        let configs = (0..<channels).map { ChannelConfig(name: "c\($0)", platform: .json, url: "\(sink)/hook/\($0)", format: "text") }
        let perChannel = messages / max(1, channels)
        let started = ContinuousClock.now
        let delivered = await withTaskGroup(of: Int.self) { group in
            for channel in configs {
                group.addTask {
                    var ok = 0
                    for i in 0..<perChannel {
                        let text = "【政策】关于做好2026年度高新技术企业认定申报工作的通知 第\(i)条"
                        let attempts = await sender.send([MessageBlock(text)], title: "本周科技政策", to: channel)
                        ok += attempts.allSatisfy(\.outcome.isDelivered) ? 1 : 0
                    }
                    return ok
                }
            }
            return await group.reduce(0, +)
        }
        let seconds = (ContinuousClock.now - started).seconds
        print(try Output.json([
            "engine": "tepai transport only", "messages": "\(perChannel * channels)", "channels": "\(channels)",
            "delivered": "\(delivered)", "total_s": String(format: "%.3f", seconds),
            "msgs_per_s": String(format: "%.0f", Double(delivered) / seconds),
        ]))
    }
}
