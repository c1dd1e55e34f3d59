import Foundation
import Testing
import TepaiPostgres
import TepaiStore

/// The outbox on both backends, and what only a shared database must do: replicas claiming at once never get
/// the same message, and a dead replica's claims come back after their lease.
@Suite struct OutboxStoreTests {
    static func message(_ key: String, channel: String = "c", part: Int = 1, now: Double = 1000) -> OutboxMessage {
        OutboxMessage(idempotencyKey: key, channel: channel, title: "t", content: "内容 \(key)", url: "https://x.example/\(key)",
                      part: part, parts: 1, now: now)
    }

    @Test(arguments: Backend.allCases) func enqueueingTheSameKeyTwiceQueuesOnce(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let o = try await db.open().makeOutbox()
        #expect(try await o.enqueue([Self.message("a"), Self.message("b")]) == 2)
        #expect(try await o.enqueue([Self.message("a"), Self.message("c")]) == 1)
        #expect(try await o.counts() == [.pending: 3])
        let stored = try await o.messages(keys: ["a", "c", "zz"])
        #expect(stored.map(\.idempotencyKey) == ["a", "c"])
        #expect(stored.first?.content == "内容 a" && stored.first?.url == "https://x.example/a" && stored.first?.id != nil)
    }

    /// Claims and records read and bind columns by position on SQLite: every field must come back as written,
    /// including empty text, a missing url, non-BMP characters and quotes in an error message.
    @Test(arguments: Backend.allCases) func aClaimedMessageComesBackAsEnqueued(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let o = try await db.open().makeOutbox()
        var odd = OutboxMessage(idempotencyKey: "k'x;--", channel: "县局群", title: "", content: "第1条 😀 \"引号\" 𠀀",
                                url: nil, part: 2, parts: 3, now: 1000.25)
        odd.nextAttemptAt = 999.5
        try await o.enqueue([odd, Self.message("b")])
        let claimed = try await o.claim(limit: 1, now: 1001, held: [])
        #expect(claimed.count == 1)
        guard let got = claimed.first else { return }
        #expect(got.idempotencyKey == "k'x;--" && got.channel == "县局群" && got.title == "" && got.url == nil)
        #expect(got.content == "第1条 😀 \"引号\" 𠀀" && got.part == 2 && got.parts == 3)
        #expect(got.status == .sending && got.attempts == 1 && got.claimedAt == 1001 && got.createdAt == 1000.25)
        #expect(got.nextAttemptAt == 999.5 && got.lastError == nil && got.deliveredAt == nil && got.id != nil)
        try await o.record(got, result: .retry(code: 45009, message: "api freq \"out\" of limit"), latencyMs: 7.5, now: 1002, random: 0)
        let log = try await o.deliveryLog()
        #expect(log.count == 1 && log.first?.message == "api freq \"out\" of limit" && log.first?.code == 45009)
        #expect(log.first?.channel == "县局群" && log.first?.latencyMs == 7.5 && log.first?.outboxID == got.id)
        let stored = try await o.messages(keys: ["k'x;--"])
        #expect(stored.first?.lastError == "45009: api freq \"out\" of limit" && stored.first?.status == .pending)
    }

    @Test(arguments: Backend.allCases) func messagesOfHeldChannelsWaitUntouched(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let o = try await db.open().makeOutbox()
        try await o.enqueue([Self.message("a", channel: "on"), Self.message("b", channel: "off"), Self.message("c", channel: "off")])
        #expect(try await o.nextDue(held: ["on", "off"]) == nil)
        #expect(try await o.nextDue(held: ["off"]) == 1000)
        let claimed = try await o.claim(limit: 10, now: 2000, held: ["off"])
        #expect(claimed.map(\.channel) == ["on"])
        #expect(try await o.counts()[.pending] == 2)
        let later = try await o.claim(limit: 10, now: 2001)
        #expect(later.map(\.idempotencyKey).sorted() == ["b", "c"] && later.allSatisfy { $0.attempts == 1 && $0.status == .sending })
    }

    @Test(arguments: Backend.allCases) func retriesBackOffThenGoDeadAndComeBackWhenRetried(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        var policy = RetryPolicy()
        policy.maxAttempts = 3
        let o = try await db.open().makeOutbox(policy: policy)
        try await o.enqueue([Self.message("a")])
        var now = 1000.0
        for attempt in 1...3 {
            let claimed = try await o.claim(limit: 10, now: now)
            #expect(claimed.count == 1 && claimed.first?.attempts == attempt)
            #expect(try await o.claim(limit: 10, now: now).isEmpty)
            try await o.record(claimed[0], result: .retry(code: 45009, message: "freq"), latencyMs: 5, now: now, random: 0.5)
            if attempt < 3 {
                let due = try await o.nextDue()
                #expect(due == now + policy.delay(afterAttempt: attempt, random: 0.5))
                #expect(try await o.claim(limit: 10, now: now + 0.1).isEmpty)
                now = due ?? now
            }
        }
        #expect(try await o.counts() == [.dead: 1])
        let log = try await o.deliveryLog()
        #expect(log.map(\.outcome) == ["retry", "retry", "dead"] && log.allSatisfy { $0.code == 45009 && $0.latencyMs == 5 })
        #expect(try await o.deliveryCounts().map { "\($0.channel)/\($0.outcome)/\($0.count)" }.sorted() == ["c/dead/1", "c/retry/2"])
        #expect(try await o.retryDead(channel: "other", now: now) == 0)
        #expect(try await o.retryDead(channel: "c", now: now) == 1)
        let again = try await o.claim(limit: 10, now: now)
        #expect(again.first?.attempts == 1)
        try await o.record(again[0], result: .delivered, latencyMs: 3, now: now + 1)
        let done = try await o.messages(keys: ["a"])
        #expect(done.first?.status == .delivered && done.first?.deliveredAt == now + 1)
        #expect(try await o.deliveryLog(channel: "c").last?.outcome == "delivered")
    }

    /// One batch with deliveries, a retry and a dead letter, on channels whose names need escaping: each
    /// message gets its own outcome and its own log row, and the names come back exactly.
    @Test(arguments: Backend.allCases) func aMixedBatchIsRecordedRowForRow(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let o = try await db.open().makeOutbox()
        let names = ["迁西\"群\\一", "tab\there", "plain", "plain", "line\nbreak"]
        try await o.enqueue(names.enumerated().map { i, name in Self.message("m\(i)", channel: name) })
        let claimed = try await o.claim(limit: 10, now: 1000).sorted { $0.idempotencyKey < $1.idempotencyKey }
        #expect(claimed.count == 5)
        let results: [AttemptResult] = [.delivered, .delivered, .retry(code: 45009, message: "freq"), .delivered, .failed(code: 93000, message: "bad key")]
        try await o.recordAll(Array(zip(claimed, results).enumerated().map { i, pair in (pair.0, pair.1, Double(i) + 0.25) }), now: 2000)
        let stored = try await o.messages(keys: (0..<5).map { "m\($0)" }).sorted { $0.idempotencyKey < $1.idempotencyKey }
        #expect(stored.map(\.status) == [.delivered, .delivered, .pending, .delivered, .dead])
        #expect(stored.map(\.deliveredAt) == [2000, 2000, nil, 2000, nil])
        #expect(stored[2].lastError == "45009: freq" && stored[4].lastError == "93000: bad key" && stored[0].lastError == nil)
        let log = try await o.deliveryLog().sorted { $0.outboxID < $1.outboxID }
        #expect(log.map(\.channel) == names)
        #expect(log.map(\.outcome) == ["delivered", "delivered", "retry", "delivered", "dead"])
        #expect(log.map(\.latencyMs) == [0.25, 1.25, 2.25, 3.25, 4.25] && log.allSatisfy { $0.at == 2000 })
        #expect(try await o.deliveryLog(channel: "迁西\"群\\一").count == 1)
        // A second record of the same messages changes nothing: only "sending" rows take an outcome.
        try await o.recordAll([(claimed[0], .failed(code: 1, message: "late"), 1)], now: 3000)
        #expect(try await o.messages(keys: ["m0"]).first?.status == .delivered)
    }

    @Test(arguments: Backend.allCases) func aReleasedMessageWaitsWithoutCountingAnAttempt(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let o = try await db.open().makeOutbox()
        try await o.enqueue([Self.message("a")])
        let claimed = try await o.claim(limit: 1, now: 1000)
        try await o.release(claimed[0], until: 1500)
        #expect(try await o.nextDue() == 1500)
        #expect(try await o.claim(limit: 1, now: 1499).isEmpty)
        #expect(try await o.claim(limit: 1, now: 1500).first?.attempts == 1)
    }

    /// Several claimers at once (four replicas on PostgreSQL, four tasks on one SQLite file) share out the
    /// messages: each is handed out exactly once.
    @Test(arguments: Backend.allCases) func concurrentClaimersNeverShareAMessage(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        var replicas: [any OutboxStore] = []
        for _ in 0..<4 { replicas.append(try await db.open().makeOutbox()) }
        try await replicas[0].enqueue((0..<400).map { Self.message("m\($0)", channel: "c\($0 % 7)") })
        let all = replicas
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for r in all {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        let batch = try await r.claim(limit: 9, now: 2000)
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.idempotencyKey)
                        try await r.recordAll(batch.map { ($0, .delivered, 1) }, now: 2000)
                    }
                }
            }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        let keys = claimed.flatMap { $0 }
        #expect(keys.count == 400 && Set(keys).count == 400)
        #expect(try await replicas[1].counts() == [.delivered: 400])
    }

    /// A replica that dies holding claims: the survivors leave them alone while the lease runs, then claim
    /// them again; the dead one's late answer (it was only slow) no longer settles them.
    @Test func aDeadReplicasClaimsComeBackAfterTheirLease() async throws {
        guard let db = try await Backend.postgres.fresh(), let url = db.url else { return }
        var leased = url
        leased.outboxLease = 30
        let a = PostgresStore(url: leased, logger: Backend.logger)
        let b = PostgresStore(url: leased, logger: Backend.logger)
        let (oa, ob) = (a.makeOutbox(), b.makeOutbox())
        // Leases are compared with the wall clock when a replica restarts: the test's times start now.
        let t = Date().timeIntervalSince1970
        try await oa.enqueue([Self.message("x", now: t), Self.message("y", now: t + 1)])
        let held = try await oa.claim(limit: 1, now: t)
        #expect(held.map(\.idempotencyKey) == ["x"])
        // B restarts meanwhile: A's live claim is not its to recover.
        #expect(try await ob.recoverInFlight() == 0)
        #expect(try await ob.claim(limit: 10, now: t + 29).map(\.idempotencyKey) == ["y"])
        #expect(try await ob.nextDue() == t + 30)
        let retaken = try await ob.claim(limit: 10, now: t + 31)
        #expect(retaken.map(\.idempotencyKey) == ["x"] && retaken.first?.attempts == 2)
        try await oa.record(held[0], result: .retry(code: 500, message: "late"), latencyMs: 1, now: t + 32)
        #expect(try await ob.messages(keys: ["x"]).first?.status == .sending)
        try await ob.record(try #require(retaken.first), result: .delivered, latencyMs: 1, now: t + 33)
        #expect(try await ob.messages(keys: ["x"]).first?.status == .delivered)
    }

    /// One process per SQLite file: at its start every message left sending goes back to pending.
    @Test func sqliteRecoversEveryClaimAtStart() async throws {
        guard let db = try await Backend.sqlite.fresh() else { return }
        let o = try await db.open().makeOutbox()
        try await o.enqueue([Self.message("x"), Self.message("y")])
        _ = try await o.claim(limit: 5, now: 1000)
        #expect(try await db.open().makeOutbox().recoverInFlight() == 2)
        #expect(try await o.counts() == [.pending: 2])
    }
}

/// The delivery log's retention: old attempts go, recent ones and the outbox's own rows stay.
@Suite struct DeliveryLogPruneTests {
    @Test(arguments: Backend.allCases) func pruningDeletesOnlyAttemptsBeforeTheCutoff(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let o = try await db.open().makeOutbox()
        try await o.enqueue([OutboxStoreTests.message("a"), OutboxStoreTests.message("b"), OutboxStoreTests.message("c")])
        let claimed = try await o.claim(limit: 3, now: 1000)
        #expect(claimed.count == 3)
        for (k, m) in claimed.enumerated() {
            try await o.record(m, result: .delivered, latencyMs: 1, now: 1000 + Double(k) * 1000, random: 0)
        }
        #expect(try await o.pruneDeliveryLog(before: 2000) == 1)
        #expect(try await o.deliveryLog().map(\.at) == [2000, 3000])
        #expect(try await o.pruneDeliveryLog(before: 2000) == 0)
        // The outbox keeps every message, so enqueueing a sent key again still queues nothing.
        #expect(try await o.counts() == [.delivered: 3])
        #expect(try await o.enqueue([OutboxStoreTests.message("a")]) == 0)
    }
}
