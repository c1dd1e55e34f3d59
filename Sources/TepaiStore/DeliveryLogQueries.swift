import Foundation
import GRDB

/// Bounded reads of the delivery log for the web console's dashboard, so a page load never reads the whole log.
extension SQLiteOutbox {
    /// The newest `limit` attempts (all channels, or failed ones only), newest first.
    public func recentDeliveries(limit: Int, failuresOnly: Bool) async throws -> [DeliveryLogEntry] {
        try await pool.read { db in
            var request = DeliveryLogEntry.order(Column("id").desc).limit(limit)
            if failuresOnly { request = request.filter(Column("outcome") != "delivered") }
            return try request.fetchAll(db)
        }
    }

    /// Each channel's newest `perChannel` attempts, oldest first within a channel, from the newest
    /// `recentWindow` attempts of the log: one backward scan in id order (the log has no channel index, see
    /// migration v8), which stops as soon as every channel has its rows. A channel with no attempt in the
    /// window gets none.
    public func recentDeliveries(channels: [String], perChannel: Int) async throws -> [String: [DeliveryLogEntry]] {
        try await recentDeliveries(channels: channels, perChannel: perChannel, window: Self.recentWindow)
    }

    func recentDeliveries(channels: [String], perChannel: Int, window: Int) async throws -> [String: [DeliveryLogEntry]] {
        try await pool.read { db in
            var out: [String: [DeliveryLogEntry]] = Dictionary(uniqueKeysWithValues: channels.map { ($0, []) })
            var unfilled = Set(channels)
            guard perChannel > 0, !unfilled.isEmpty else { return out }
            let rows = try DeliveryLogEntry.fetchCursor(db, sql: """
                SELECT * FROM delivery_log WHERE id > (SELECT IFNULL(MAX(id), 0) FROM delivery_log) - ? ORDER BY id DESC
                """, arguments: [window])
            while let row = try rows.next() {
                guard unfilled.contains(row.channel) else { continue }
                out[row.channel, default: []].append(row)
                if out[row.channel, default: []].count >= perChannel {
                    unfilled.remove(row.channel)
                    if unfilled.isEmpty { break }
                }
            }
            return out.mapValues { $0.reversed() }
        }
    }

    /// How far back the dashboard looks: weeks of a bureau's traffic, and a bounded read whatever the log's size.
    public static let recentWindow = 50_000
}
