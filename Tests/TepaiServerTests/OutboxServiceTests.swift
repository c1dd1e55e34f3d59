import Foundation
import Logging
import Testing
import TepaiCore
import TepaiDelivery
import TepaiStore
@testable import TepaiServer

/// The daemon trims the delivery log to `delivery_log_days`, counted back from its own clock.
@Suite struct OutboxServiceTests {
    func service(retention: TimeInterval?, now: Date) throws -> (OutboxService, any OutboxStore, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-outbox-service-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: dir.appendingPathComponent("t.sqlite").path)
        let outbox = store.makeOutbox()
        let logger = Logger(label: "test")
        let worker = OutboxWorker(outbox: outbox, sender: ChannelSender(transport: CurlTransport(), logger: logger),
                                  limiter: RobotRateLimiter(), channels: ChannelDirectory([]), logger: logger)
        var service = OutboxService(worker: worker, logRetention: retention, logger: logger)
        service.now = { now }
        return (service, outbox, dir)
    }

    /// Attempts made 100, 91, 89 and 1 days before `now`.
    func recordAttempts(_ outbox: any OutboxStore, now: Date) async throws {
        let days: [Double] = [100, 91, 89, 1]
        let messages = days.indices.map {
            OutboxMessage(idempotencyKey: "m\($0)", channel: "c", title: "t", content: "x", url: nil, part: 1, parts: 1, now: 0)
        }
        try await outbox.enqueue(messages)
        let claimed = try await outbox.claim(limit: 10, now: 1)
        for (m, d) in zip(claimed.sorted { $0.idempotencyKey < $1.idempotencyKey }, days) {
            try await outbox.record(m, result: .delivered, latencyMs: 1, now: now.timeIntervalSince1970 - d * 86_400, random: 0)
        }
    }

    @Test func attemptsOlderThanTheRetentionAreTrimmed() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let (service, outbox, dir) = try service(retention: 90 * 86_400, now: now)
        defer { try? FileManager.default.removeItem(at: dir) }
        try await recordAttempts(outbox, now: now)
        await service.pruneLog()
        let left = try await outbox.deliveryLog().map { Int((now.timeIntervalSince1970 - $0.at) / 86_400) }
        #expect(left.sorted() == [1, 89])
        #expect(try await outbox.counts() == [.delivered: 4])
    }

    @Test func withoutARetentionEveryAttemptStays() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let (service, outbox, dir) = try service(retention: nil, now: now)
        defer { try? FileManager.default.removeItem(at: dir) }
        try await recordAttempts(outbox, now: now)
        await service.pruneLog()
        #expect(try await outbox.deliveryLog().count == 4)
    }
}
