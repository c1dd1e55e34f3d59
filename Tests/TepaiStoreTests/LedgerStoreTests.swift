import Foundation
import Testing
import TepaiCore
import TepaiPostgres
import TepaiStore

/// Digest runs, schedules, switches and source state on both backends; several stores on one PostgreSQL
/// database stand for replicas.
@Suite struct LedgerStoreTests {
    static func commit(period: String, keys: [String]) -> DigestCommit {
        DigestCommit(channel: "市局群", digest: "policy", period: period, items: [(id: "p1", hash: "h1"), (id: "p2", hash: "h2")],
                     messages: keys.enumerated().map { i, k in
                         OutboxMessage(idempotencyKey: k, channel: "市局群", title: "周报", content: "第\(i + 1)部分", url: nil, part: i + 1,
                                       parts: keys.count, now: 1000)
                     })
    }

    @Test(arguments: Backend.allCases) func aPeriodCommitsOnceWithItsItemsAndMessages(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let l1 = try await db.open().makeLedger()
        let l2 = try await db.open().makeLedger()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try await l1.firstRun(channel: "市局群", digest: "policy") == nil)
        #expect(try await l1.commit(Self.commit(period: "2026-11-23T09:00", keys: ["k1", "k2"]), now: now))
        #expect(try await !l2.commit(Self.commit(period: "2026-11-23T09:00", keys: ["k3"]), now: now))
        #expect(try await l2.carried(channel: "市局群", digest: "policy") == ["p1\u{1}h1", "p2\u{1}h2"])
        #expect(try await l2.firstRun(channel: "市局群", digest: "policy") == now)
        #expect(try await l2.outbox.counts() == [.pending: 2])
        #expect(try await l2.outbox.messages(keys: ["k1", "k2", "k3"]).map(\.part) == [1, 2])
    }

    @Test(arguments: Backend.allCases) func storedEntriesCarryHashAndKindFilter(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let store = try await db.open()
        _ = try await store.upsert([
            Entry(id: "n1", kind: .notice, title: "通知", body: "b", region: "市级"),
            Entry(id: "f1", kind: .faq, title: "问答", body: "b"),
        ])
        let stored = try await store.makeLedger().storedEntries(kinds: [.notice])
        #expect(stored.map(\.entry.id) == ["n1"])
        #expect(stored.first.map { !$0.contentHash.isEmpty && $0.updatedAt > Date(timeIntervalSinceNow: -600) } == true)
    }

    @Test(arguments: Backend.allCases) func slotsAdvanceByCompareAndSet(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let l1 = try await db.open().makeLedger()
        let l2 = try await db.open().makeLedger()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000), t1 = t0.addingTimeInterval(3600)
        #expect(try await l1.advance(job: "j", from: nil, to: t0))
        #expect(try await !l2.advance(job: "j", from: nil, to: t0))
        #expect(try await l2.advance(job: "j", from: t0, to: t1))
        #expect(try await !l1.advance(job: "j", from: t0, to: t1))
        #expect(try await l1.lastSlot(job: "j") == t1)
        #expect(try await l1.lastSlot(job: "other") == nil)
    }

    /// Three replicas ask for one slot at once: one gets it; after its lease runs out another may take over.
    @Test func exactlyOneReplicaHoldsASlotUntilItsLeaseExpires() async throws {
        guard let db = try await Backend.postgres.fresh() else { return }
        var ledgers: [any DigestLedgerStore] = []
        for _ in 0..<3 { ledgers.append(try await db.open().makeLedger()) }
        let all = ledgers
        let slot = Date(timeIntervalSince1970: 1_800_000_000)
        let winners = try await withThrowingTaskGroup(of: Int?.self) { group in
            for (i, l) in all.enumerated() { group.addTask { try await l.claimSlot(job: "j", slot: slot, now: slot, lease: 300) ? i : nil } }
            return try await group.reduce(into: [Int]()) { if let i = $1 { $0.append(i) } }
        }
        #expect(winners.count == 1)
        let winner = winners[0], other = (winner + 1) % 3
        #expect(try await all[winner].claimSlot(job: "j", slot: slot, now: slot.addingTimeInterval(10), lease: 300))
        #expect(try await !all[other].claimSlot(job: "j", slot: slot, now: slot.addingTimeInterval(299), lease: 300))
        #expect(try await all[other].claimSlot(job: "j", slot: slot, now: slot.addingTimeInterval(311), lease: 300))
        #expect(try await !all[winner].claimSlot(job: "j", slot: slot, now: slot.addingTimeInterval(312), lease: 300))
        // The slot is done: the next one goes to whoever asks first.
        #expect(try await all[other].advance(job: "j", from: nil, to: slot))
        let next = slot.addingTimeInterval(60)
        #expect(try await all[winner].claimSlot(job: "j", slot: next, now: slot.addingTimeInterval(320), lease: 300))
        #expect(try await !all[other].claimSlot(job: "j", slot: next, now: slot.addingTimeInterval(321), lease: 300))
    }

    /// A replica that read the last slot before another advanced it must not run a later slot beside the one
    /// still running (two round-ups of one job, a minute apart, both carrying the same entries).
    @Test func aLaterSlotWaitsUntilTheRunningOneIsDone() async throws {
        guard let db = try await Backend.postgres.fresh() else { return }
        let (a, b) = (try await db.open().makeLedger(), try await db.open().makeLedger())
        let s1 = Date(timeIntervalSince1970: 1_800_000_000), s2 = s1.addingTimeInterval(60)
        #expect(try await a.advance(job: "j", from: nil, to: s1.addingTimeInterval(-600)))
        #expect(try await a.claimSlot(job: "j", slot: s1, now: s1, lease: 300))
        #expect(try await !b.claimSlot(job: "j", slot: s2, now: s2, lease: 300))
        #expect(try await a.advance(job: "j", from: s1.addingTimeInterval(-600), to: s1))
        // Done with s1: a stale request for s1 gets nothing, the next slot goes through.
        #expect(try await !b.claimSlot(job: "j", slot: s1, now: s2, lease: 300))
        #expect(try await b.claimSlot(job: "j", slot: s2, now: s2, lease: 300))
    }

    @Test(arguments: Backend.allCases) func scheduleOverridesMoveTheLastSlotAndCanBeRemoved(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let store = try await db.open()
        let (o, ledger) = (store.makeScheduleOverrides(), store.makeLedger())
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try await ledger.advance(job: "weekly", from: nil, to: t0.addingTimeInterval(600)))
        try await o.set(job: "weekly", cron: "30 8 * * TUE", now: t0)
        try await o.set(job: "daily", cron: "0 7 * * *", now: t0)
        try await o.set(job: "weekly", cron: "0 9 * * MON", now: t0)
        #expect(try await db.open().makeScheduleOverrides().all() == ["weekly": "0 9 * * MON", "daily": "0 7 * * *"])
        // Never moved backwards; a job without a slot gets the moment of the change.
        #expect(try await ledger.lastSlot(job: "weekly") == t0.addingTimeInterval(600))
        #expect(try await ledger.lastSlot(job: "daily") == t0)
        try await o.remove(job: "weekly")
        #expect(try await o.all() == ["daily": "0 7 * * *"])
    }

    @Test(arguments: Backend.allCases) func recentDeliveriesAreBoundedNewestFirst(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let o = try await db.open().makeOutbox()
        try await o.enqueue((0..<6).map { OutboxMessage(idempotencyKey: "m\($0)", channel: $0 % 2 == 0 ? "a" : "b", title: "t",
                                                         content: "c", url: nil, part: 1, parts: 1, now: 1000) })
        let claimed = try await o.claim(limit: 10, now: 1000)
        try await o.recordAll(claimed.map { ($0, $0.idempotencyKey == "m3" ? .failed(code: 93000, message: "bad") : .delivered, 2) }, now: 1001)
        let recent = try await o.recentDeliveries(limit: 4)
        #expect(recent.count == 4 && recent.map(\.id) == recent.map(\.id).sorted(by: >))
        #expect(try await o.recentDeliveries(limit: 10, failuresOnly: true).map(\.code) == [93000])
        let byChannel = try await o.recentDeliveries(channels: ["a", "b", "none"], perChannel: 2)
        #expect(byChannel["a"]?.count == 2 && byChannel["b"]?.count == 2 && byChannel["none"]?.isEmpty == true)
        #expect(byChannel["a"].map { $0.map(\.id) == $0.map(\.id).sorted() } == true)
    }

    @Test(arguments: Backend.allCases) func channelSwitchesAreSharedAndOverwritten(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let s1 = try await db.open().makeChannelSwitches()
        try await s1.set("a", enabled: false)
        try await s1.set("b", enabled: true)
        try await s1.set("a", enabled: true)
        #expect(try await db.open().makeChannelSwitches().all() == ["a": true, "b": true])
    }

    @Test(arguments: Backend.allCases) func sourceStateAndFilesRoundTrip(_ backend: Backend) async throws {
        guard let db = try await backend.fresh() else { return }
        let s = try await db.open().makeSourceState()
        let poll = Date(timeIntervalSince1970: 1_800_000_000)
        let state = SourceState(source: "feed", etag: "\"e1\"", lastModified: "Mon, 23 Nov 2026 01:00:00 GMT", lastPollAt: poll,
                                lastSuccessAt: nil, lastError: "timeout", itemCount: 3)
        try await s.save(state)
        try await s.save(SourceState(source: "a-folder"))
        #expect(try await s.state(source: "feed") == state)
        #expect(try await s.allStates().map(\.source) == ["a-folder", "feed"])
        #expect(try await s.state(source: "none") == nil)
        try await s.saveFile(source: "f", SourceFileState(path: "x.json", contentHash: "h1", imported: true, entryCount: 2), at: poll)
        try await s.saveFile(source: "f", SourceFileState(path: "y.json", contentHash: "h2", imported: false, error: "line 3: bad"), at: poll)
        try await s.saveFile(source: "f", SourceFileState(path: "x.json", contentHash: "h3", imported: true, entryCount: 4), at: poll)
        #expect(try await s.files(source: "f") == [
            "x.json": SourceFileState(path: "x.json", contentHash: "h3", imported: true, entryCount: 4),
            "y.json": SourceFileState(path: "y.json", contentHash: "h2", imported: false, error: "line 3: bad"),
        ])
        try await s.forgetFiles(source: "f", keeping: ["y.json"])
        #expect(try await s.files(source: "f").keys.sorted() == ["y.json"])
    }
}
