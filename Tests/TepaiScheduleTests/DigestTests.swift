import Foundation
import Testing
import TepaiCore
import TepaiDelivery
import TepaiRender
import TepaiStore
@testable import TepaiSchedule

@Suite struct DigestTests {
    let cityAll = ChannelConfig(name: "city", platform: .log, regions: ["*"])

    @Test func anOverflowingDigestSplitsIntoNumberedPartsUnderTheLimit() throws {
        let composer = try realComposer()
        // 40 policies with long bodies and links, for a WeCom markdown robot (4096 bytes) and a WeCom text one (2048).
        let long = String(repeating: "支持企业开展研发活动，按规定给予奖补。", count: 12)
        let entries = (1...40).map { i in
            StoredEntry(entry: policy("p\(i)", body: long), contentHash: "h\(i)", updatedAt: Date())
        }
        for (format, limit) in [("markdown", 4096), ("text", 2048)] {
            let channel = ChannelConfig(name: "wecom-\(format)", platform: .wecom, url: "https://example.invalid", format: format)
            let plan = try composer.compose(try job(.policy, maxItems: 40), channel: channel, entries: entries, carried: [],
                                            firstRun: nil, now: Date(), period: "p")
            #expect(plan.items.count == 40)
            #expect(plan.parts.count > 2)
            #expect(plan.contentLimit == limit)
            for (i, part) in plan.parts.enumerated() {
                #expect(part.utf8.count <= limit, "part \(i + 1) has \(part.utf8.count) bytes")
                #expect(part.contains("(\(i + 1)/\(plan.parts.count))"))
                // Markdown links are never cut: every "](" has its ")" in the same part.
                for piece in part.components(separatedBy: "](").dropFirst() { #expect(piece.contains(")" as Character)) }
            }
            // Every item is in exactly one part, whole.
            for i in 1...40 {
                let holders = plan.parts.filter { $0.contains("政策p\(i)") && $0.contains("/p\(i).html") }
                #expect(holders.count == 1, "item p\(i) in \(holders.count) parts (\(format))")
            }
        }
    }

    @Test func markdownAndTextVariantsFollowTheChannelFormat() throws {
        let composer = try realComposer()
        let entries = [StoredEntry(entry: policy("p1"), contentHash: "h", updatedAt: Date())]
        func first(_ c: ChannelConfig) throws -> String {
            try composer.compose(try job(.policy), channel: c, entries: entries, carried: [], firstRun: nil, now: Date(), period: "p").parts[0]
        }
        let markdown = try first(ChannelConfig(name: "m", platform: .dingtalk, url: "https://x.invalid", format: "markdown"))
        #expect(markdown.hasPrefix("### 本周科技政策速递"))
        #expect(markdown.contains("[政策p1](https://kjj.example.gov.cn/p1.html)"))
        let text = try first(ChannelConfig(name: "t", platform: .wecom, url: "https://x.invalid", format: "text"))
        #expect(text.hasPrefix("本周科技政策速递") && !text.contains("**") && text.contains("详情：https://kjj.example.gov.cn/p1.html"))
        let slack = try first(ChannelConfig(name: "s", platform: .slack, url: "https://x.invalid", format: "text"))
        #expect(slack.contains("<https://kjj.example.gov.cn/p1.html|政策p1>"))
    }

    @Test func noEntryIsInTwoConsecutiveRoundUpsUnlessItChanged() async throws {
        let store = try freshStore()
        _ = try await store.upsert([policy("a"), policy("b"), policy("c")])
        let r = try runner(store, channels: [cityAll])
        let weekly = try job(.policy)
        let outbox = SQLiteOutbox(store: store)
        let t0 = Date()

        let first = try await r.run(weekly, now: t0, period: "w1")
        #expect(Set(first.digests.flatMap { $0.items.map(\.entry.id) }) == ["a", "b", "c"])
        // The job firing twice for the same period queues nothing more.
        let twice = try await r.run(weekly, now: t0, period: "w1")
        #expect(twice.enqueued == 0)
        let queued = try await outbox.counts()[.pending] ?? 0
        #expect(queued == first.enqueued && queued > 0)

        // Next week: nothing new, so the round-up is skipped, not sent empty.
        let second = try await r.run(weekly, now: t0.addingTimeInterval(7 * 86400), period: "w2")
        #expect(second.digests.isEmpty && second.skippedEmpty == ["city"])

        // One entry changes and one is added: only those two are in the third.
        _ = try await store.upsert([policy("b", body: "修订后的正文。"), policy("d"), policy("a")])
        let third = try await r.run(weekly, now: t0.addingTimeInterval(14 * 86400), period: "w3")
        #expect(Set(third.digests.flatMap { $0.items.map(\.entry.id) }) == ["b", "d"])
        #expect(third.digests.first?.parts.first?.contains("修订后的正文") == true)
    }

    @Test func itemsBeyondMaxItemsWaitForTheNextRoundUp() async throws {
        let store = try freshStore()
        _ = try await store.upsert((1...5).map { policy("p\($0)", date: "2026-11-1\($0)") })
        let r = try runner(store, channels: [cityAll])
        let weekly = try job(.policy, maxItems: 3)
        let first = try await r.run(weekly, now: Date(), period: "w1")
        // Newest publication first; two wait.
        #expect(first.digests.first?.items.map(\.entry.id) == ["p5", "p4", "p3"])
        #expect(first.digests.first?.omitted == 2)
        #expect(first.digests.first?.parts.first?.contains("另有 2 条更新将在下期列出") == true)
        let second = try await r.run(weekly, now: Date().addingTimeInterval(7 * 86400), period: "w2")
        #expect(second.digests.first?.items.map(\.entry.id) == ["p2", "p1"])
    }

    @Test func trainingRoundUpsTakeUpcomingEventsOnly() async throws {
        let store = try freshStore()
        _ = try await store.upsert([
            event("past", day: "2026-11-20"), event("soon", day: "2026-11-30"), event("later", day: "2026-12-10"),
            event("far", day: "2027-03-01"), event("fair", kind: .matching, day: "2026-12-01"),
        ])
        let r = try runner(store, channels: [cityAll])
        let report = try await r.run(try job(.trainings, days: 30), now: at("2026-11-23T09:30"), period: "t1")
        #expect(report.digests.first?.items.map(\.entry.id) == ["soon", "later"])
        let fairs = try await r.run(try job(.fairs, days: 60), now: at("2026-11-23T09:30"), period: "f1")
        #expect(fairs.digests.first?.items.map(\.entry.id) == ["fair"])
    }
}
