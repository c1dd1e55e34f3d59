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

    /// Each channel's newest `perChannel` attempts, oldest first within a channel.
    public func recentDeliveries(channels: [String], perChannel: Int) async throws -> [String: [DeliveryLogEntry]] {
        try await pool.read { db in
            var out: [String: [DeliveryLogEntry]] = [:]
            for channel in channels {
                out[channel] = try DeliveryLogEntry.filter(Column("channel") == channel).order(Column("id").desc).limit(perChannel)
                    .fetchAll(db).reversed()
            }
            return out
        }
    }
}
