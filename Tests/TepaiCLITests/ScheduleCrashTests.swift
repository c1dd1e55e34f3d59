import Foundation
import GRDB
import Testing
import TepaiStore

/// kill -9 of `tepai serve` while a scheduled round-up is being composed and pushed to many groups.
@Suite(.serialized) struct ScheduleCrashTests {
    static let channels = (1...40).map { String(format: "g%02d", $0) }

    /// When to kill: as soon as the first round-up is composed (most are still to come), or once a few
    /// messages have reached the groups (the rest queued or in flight).
    enum KillPoint: String, CaseIterable, Sendable { case composing, pushing }

    @Test(arguments: KillPoint.allCases)
    func killDashNineMidScheduleLosesNoDigestAndComposesNoneTwice(at point: KillPoint) async throws {
        let peer = CountingPeer()
        try await peer.start(delayMs: 40)
        defer { peer.stop() }
        let (dir, db) = try CLI.seededDatabase(["seeds/entries/a.json", "seeds/entries/b.json"])
        let config = dir.appendingPathComponent("tepai.yaml")
        try ("database: \(db)\nserver: {host: 127.0.0.1, port: 0}\nchannels:\n" + Self.channels.map {
            "  - {name: \($0), platform: json, regions: [\"*\"], kinds: [policy, notice], url: \"http://127.0.0.1:\(peer.port)/hook/\($0)\"}"
        }.joined(separator: "\n") + """

            schedules:
              - {name: every-minute, digest: policy, cron: "* * * * *", channels: ["*"], max_items: 40, days: 3650}

            """).write(to: config, atomically: true, encoding: .utf8)
        // The job last ran ten minutes ago, so the daemon fires it as soon as it starts.
        let ledger = DigestLedger(store: try SQLiteStore(path: db))
        #expect(try await ledger.advance(job: "every-minute", from: nil, to: Date().addingTimeInterval(-600)))

        let first = try CLI.spawn(["serve", "--config", config.path])
        let deadline = Date().addingTimeInterval(30)
        switch point {
        case .composing: while try Self.progress(db).runs < 1, Date() < deadline { try await Task.sleep(for: .milliseconds(1)) }
        case .pushing: while peer.total < 3, Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal)
        let beforeRestart = peer.total
        let (runsAtKill, inFlight, pendingAtKill) = try Self.state(db)
        #expect(runsAtKill >= 1, "the round-up never started")

        let second = try CLI.spawn(["serve", "--config", config.path])
        defer { if second.isRunning { second.terminate() } }
        let settle = Date().addingTimeInterval(60)
        var runs = 0, queued = 0, delivered = 0
        repeat {
            try await Task.sleep(for: .milliseconds(200))
            (runs, queued, delivered) = try Self.progress(db)
        } while (runs < Self.channels.count || delivered < queued) && Date() < settle
        kill(second.processIdentifier, SIGTERM)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)

        // Every group got its round-up, composed once: one run per channel, one copy of each entry.
        let perChannel = try Self.runsPerChannel(db)
        #expect(perChannel.count == Self.channels.count, "\(perChannel.count) channels have a round-up")
        #expect(perChannel.values.allSatisfy { $0 == 1 }, "\(perChannel.filter { $0.value != 1 })")
        let carried = try Self.itemsPerChannel(db)
        #expect(Set(carried.values).count == 1, "channels carried different item counts: \(Set(carried.values))")
        // Nothing lost: every queued part reached its group, and the outbox is settled.
        let outbox = try await SQLiteOutbox(store: try SQLiteStore(path: db)).counts()
        let unsettled = (outbox[.pending] ?? 0) + (outbox[.sending] ?? 0) + (outbox[.dead] ?? 0)
        #expect(outbox[.delivered] == queued && unsettled == 0, "\(outbox)")
        let counts = peer.counts
        #expect(counts.count == queued, "\(counts.count) distinct messages arrived of \(queued) queued")
        for channel in Self.channels { #expect(counts.keys.contains { $0.hasPrefix(channel + "|") }, "\(channel) got nothing") }
        // Repeats only where the outcome was unknown: messages in flight at the kill.
        let duplicates = counts.values.reduce(0) { $0 + $1 - 1 }
        #expect(duplicates <= inFlight)
        print("""
            schedule crash test (\(point)): killed after \(beforeRestart) messages arrived, with \(runsAtKill)/\(Self.channels.count) round-ups \
            composed, \(pendingAtKill) queued and \(inFlight) in flight; after restart \(queued) parts to \(perChannel.count) groups, \
            \(duplicates) duplicate(s)
            """)
    }

    static func state(_ db: String) throws -> (runs: Int, sending: Int, pending: Int) {
        try DatabaseQueue(path: db).read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM digest_runs") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE status = 'sending'") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE status = 'pending'") ?? 0)
        }
    }

    static func progress(_ db: String) throws -> (runs: Int, queued: Int, delivered: Int) {
        try DatabaseQueue(path: db).read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT channel) FROM digest_runs") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE status = 'delivered'") ?? 0)
        }
    }

    static func runsPerChannel(_ db: String) throws -> [String: Int] {
        try DatabaseQueue(path: db).read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT channel, COUNT(*) AS n FROM digest_runs GROUP BY channel")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["channel"] as String, $0["n"] as Int) })
        }
    }

    static func itemsPerChannel(_ db: String) throws -> [String: Int] {
        try DatabaseQueue(path: db).read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT channel, COUNT(*) AS n FROM digest_items GROUP BY channel")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["channel"] as String, $0["n"] as Int) })
        }
    }
}
