import ArgumentParser
import Foundation
import TepaiCore
import TepaiRender
import TepaiSchedule
import TepaiStore

/// Renders many round-ups the way the scheduler does (choose items, Mustache template per format, byte-aware
/// split), in memory, and prints the time as one JSON line.
struct BenchDigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest", abstract: "Time rendering and splitting N digests of M items each (JSON line).")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Entry files the items are drawn from.") var corpus: [String] = ["seeds/entries/a.json", "seeds/entries/b.json"]
    @Option(help: "Digests per round.") var digests = 1000
    @Option(help: "Items per digest.") var items = 20
    @Option(help: "Timed rounds (the median is reported).") var rounds = 5

    func run() async throws {
        let config = try global.loadConfig()
        let batch = try EntryBatchReader(validator: EntryValidator(knownRegions: config.knownRegions)).read(paths: corpus)
        guard batch.entries.count >= items else { throw UserError("the corpus has \(batch.entries.count) entries; need at least \(items)") }
        // Every entry as a policy version new to the channel, so each digest carries exactly `items` of them.
        let stored = batch.entries.enumerated().map { (i, e) -> StoredEntry in
            var p = e
            p.kind = .policy
            return StoredEntry(entry: p, contentHash: String(i), updatedAt: Date())
        }
        let composer = try global.digestTemplates(config).composer
        let job = ScheduleConfig(name: "bench", digest: .policy, cron: try CronExpression("0 9 * * MON"), maxItems: items, days: 3650)
        // The formats the platforms take, in turn.
        let channels = [
            ChannelConfig(name: "wecom-md", platform: .wecom, url: "https://x.invalid", format: "markdown"),
            ChannelConfig(name: "wecom-text", platform: .wecom, url: "https://x.invalid", format: "text"),
            ChannelConfig(name: "dingtalk-md", platform: .dingtalk, url: "https://x.invalid", format: "markdown"),
            ChannelConfig(name: "feishu-post", platform: .feishu, url: "https://x.invalid", format: "post"),
            ChannelConfig(name: "slack", platform: .slack, url: "https://x.invalid", format: "text"),
        ]
        let now = Date()
        let clock = ContinuousClock()
        var times: [Double] = []
        var parts = 0
        var bytes = 0
        for round in 0...rounds {
            var roundParts = 0
            var roundBytes = 0
            let start = clock.now
            for d in 0..<digests {
                let offset = (d * 7) % (stored.count - items + 1)
                let plan = try composer.compose(job, channel: channels[d % channels.count], entries: Array(stored[offset..<(offset + items)]),
                                                carried: [], firstRun: nil, now: now, period: "bench")
                guard plan.items.count == items else { throw UserError("digest \(d) carried \(plan.items.count) items, not \(items)") }
                roundParts += plan.parts.count
                roundBytes += plan.parts.reduce(0) { $0 + $1.utf8.count }
            }
            let elapsed = clock.now - start
            // Round 0 warms up and is not counted.
            if round > 0 { times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) }
            parts = roundParts
            bytes = roundBytes
        }
        times.sort()
        let median = times[times.count / 2]
        print(try Output.json([
            "digests": Double(digests), "items_per_digest": Double(items), "rounds": Double(rounds),
            "median_s": (median * 1000).rounded() / 1000, "min_s": ((times.first ?? 0) * 1000).rounded() / 1000,
            "max_s": ((times.last ?? 0) * 1000).rounded() / 1000, "per_digest_us": (median / Double(digests) * 1e7).rounded() / 10,
            "parts": Double(parts), "mb": (Double(bytes) / 1e5).rounded() / 10,
        ]))
    }
}
