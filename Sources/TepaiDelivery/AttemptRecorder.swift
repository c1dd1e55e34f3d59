import Foundation
import TepaiStore

/// Records send outcomes as they come in, by group commit: while one transaction is being written, the
/// outcomes that arrive meanwhile gather and go into the next. A message the robot has accepted is thus
/// marked delivered within about one write, not after the slowest send of its batch; after a crash, only
/// messages whose answer really was unknown are sent again. When few outcomes have gathered, it waits a
/// moment (`gatherDelay`) for more before writing: against a fast sink, answers come in every few
/// microseconds and one transaction per handful of them spent more on WAL frames than on the sends; against
/// a real platform (tens of milliseconds per answer) the wait adds at most 5 ms to a write.
final class AttemptRecorder: Sendable {
    typealias Outcome = (OutboxMessage, AttemptResult, Double)

    private let outbox: any OutboxStore
    private let buffer = LockedBuffer()
    private let signal: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    /// Outcomes worth a transaction of their own without waiting.
    static let fullBatch = 256
    static let gatherDelay = Duration.milliseconds(5)

    init(outbox: any OutboxStore) {
        self.outbox = outbox
        (signal, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func add(_ outcome: Outcome) {
        buffer.append(outcome)
        wake.yield()
    }

    /// No more outcomes will come: `run` writes what is left and returns.
    func finish() {
        buffer.close()
        wake.finish()
    }

    /// Writes gathered outcomes until `finish`; returns how many it wrote.
    func run() async throws -> Int {
        var written = 0
        for await _ in signal {
            if buffer.count < Self.fullBatch && !buffer.isClosed { try? await Task.sleep(for: Self.gatherDelay) }
            written += try await flush()
        }
        return written + (try await flush())
    }

    private func flush() async throws -> Int {
        let batch = buffer.takeAll()
        guard !batch.isEmpty else { return 0 }
        try await outbox.recordAll(batch, now: Date().timeIntervalSince1970)
        return batch.count
    }
}

private final class LockedBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [AttemptRecorder.Outcome] = []
    private var closed = false

    func append(_ item: AttemptRecorder.Outcome) { lock.withLock { items.append(item) } }
    var count: Int { lock.withLock { items.count } }
    var isClosed: Bool { lock.withLock { closed } }
    func close() { lock.withLock { closed = true } }

    func takeAll() -> [AttemptRecorder.Outcome] {
        lock.withLock {
            defer { items.removeAll(keepingCapacity: true) }
            return items
        }
    }
}
