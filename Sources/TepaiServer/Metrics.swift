import Foundation
import TepaiCore
import TepaiStore

/// Counters for `/metrics` (Prometheus text format). Query figures live here; delivery figures are read
/// from the outbox and the delivery log at scrape time, so they survive restarts.
public final class Metrics: @unchecked Sendable {
    private let lock = NSLock()
    private var queries = 0
    private var declines = 0
    private var latencySum = 0.0
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]
    private var bucketCounts = [Int](repeating: 0, count: Metrics.buckets.count)

    public init() {}

    public func recordQuery(seconds: Double, declined: Bool) {
        lock.withLock {
            queries += 1
            if declined { declines += 1 }
            latencySum += seconds
            for (i, bound) in Self.buckets.enumerated() where seconds <= bound { bucketCounts[i] += 1 }
        }
    }

    /// The exposition text, with the outbox and delivery figures of the store.
    public func render(outbox: [OutboxMessage.Status: Int], deliveries: [(channel: String, outcome: String, count: Int)],
                       platforms: [String: Platform]) -> String {
        let (q, d, sum, counts) = lock.withLock { (queries, declines, latencySum, bucketCounts) }
        var out = """
            # HELP tepai_queries_total Questions answered or declined.
            # TYPE tepai_queries_total counter
            tepai_queries_total \(q)
            # HELP tepai_query_declines_total Questions declined for lack of an answer.
            # TYPE tepai_query_declines_total counter
            tepai_query_declines_total \(d)
            # HELP tepai_query_seconds Time to answer a question.
            # TYPE tepai_query_seconds histogram

            """
        for (i, bound) in Self.buckets.enumerated() { out += "tepai_query_seconds_bucket{le=\"\(bound)\"} \(counts[i])\n" }
        out += "tepai_query_seconds_bucket{le=\"+Inf\"} \(q)\ntepai_query_seconds_sum \(sum)\ntepai_query_seconds_count \(q)\n"
        out += "# HELP tepai_outbox_messages Messages in the outbox by status (pending and sending are the depth).\n# TYPE tepai_outbox_messages gauge\n"
        for status in [OutboxMessage.Status.pending, .sending, .delivered, .dead] {
            out += "tepai_outbox_messages{status=\"\(status.rawValue)\"} \(outbox[status] ?? 0)\n"
        }
        out += "# HELP tepai_dead_letters Messages that gave up after their retries or a permanent error.\n# TYPE tepai_dead_letters gauge\n"
        out += "tepai_dead_letters \(outbox[.dead] ?? 0)\n"
        out += "# HELP tepai_sends_total Delivery attempts by platform and outcome.\n# TYPE tepai_sends_total counter\n"
        var byPlatform: [String: Int] = [:]
        for row in deliveries {
            let platform = platforms[row.channel]?.rawValue ?? "unknown"
            byPlatform["platform=\"\(platform)\",outcome=\"\(row.outcome)\"", default: 0] += row.count
        }
        for (labels, n) in byPlatform.sorted(by: { $0.key < $1.key }) { out += "tepai_sends_total{\(labels)} \(n)\n" }
        return out
    }
}
