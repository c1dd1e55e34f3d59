import ArgumentParser
import Foundation
import Logging
import TepaiCore
import TepaiDelivery
import TepaiStore

/// Pushes generated messages through the real outbox and worker to a local sink: enqueue, claim, send
/// through libcurl, record each answer. Rate limits off, as a throughput ceiling.
struct BenchDeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver", abstract: "Outbox throughput to a local sink, printed as one JSON line.")

    @Option(help: "Base URL of the sink; channel i posts to SINK/hook/i.") var sink: String
    @Option(help: "Messages in all.") var messages = 10_000
    @Option(help: "Channels (robots).") var channels = 100
    @Option(help: "Database file (deleted first).") var db = "/tmp/tepai-bench-deliver.sqlite"

    func run() async throws {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let store = try SQLiteStore(path: db)
        let outbox = SQLiteOutbox(store: store)
        let configs = (0..<channels).map { ChannelConfig(name: "c\($0)", platform: .json, url: "\(sink)/hook/\($0)", format: "text") }
        let now = Date().timeIntervalSince1970
        let batch = (0..<messages).map { i in
            OutboxMessage(idempotencyKey: "bench-\(i)", channel: "c\(i % channels)", title: "本周科技政策",
                          content: "【政策】关于做好2026年度高新技术企业认定申报工作的通知 第\(i)条", url: nil, part: 1, parts: 1, now: now)
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let started = ContinuousClock.now
        try await outbox.enqueue(batch)
        let enqueued = ContinuousClock.now - started
        var worker = OutboxWorker(outbox: outbox, sender: ChannelSender(transport: CurlTransport(), logger: logger),
                                  limiter: RobotRateLimiter(enabled: false), channels: ChannelDirectory(configs), logger: logger)
        worker.batchSize = 256
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
}
