import ArgumentParser
import Foundation
import TepaiCore
import TepaiDelivery
import TepaiRender
import TepaiServer
import TepaiStore

struct AnnounceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "announce",
        abstract: "Push one entry now to the channels it routes to, through the outbox; exit 1 if any channel failed.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The entry's id.") var entryID: String
    @Option(name: .customLong("channel"), help: "Only these channels (repeatable).") var channelNames: [String] = []
    @Option(help: "Seconds to keep retrying before giving up for now (the daemon retries later).") var timeout = 60

    func run() async throws {
        let config = try global.loadConfig()
        let unknown = channelNames.filter { n in !config.channels.contains { $0.name == n } }
        if !unknown.isEmpty { throw UserError("no channel named \(unknown.joined(separator: ", ")); see tepai channels list") }
        let store = try global.openStore(config)
        guard let entry = try await store.entry(id: entryID) else { throw UserError("no entry with id \"\(entryID)\"") }
        let templates: TemplateSet
        do { templates = try TemplateSet(directory: config.templatesPath, overrides: config.templateOverridesPath) } catch { throw UserError("\(error)") }
        let outbox = store.makeOutbox()
        let directory = try await global.channelDirectory(config)
        try await outbox.recoverInFlight()
        let announcer = Announcer(templates: Live(templates), outbox: outbox, channels: directory)
        let plans = try announcer.plan(entry, only: channelNames)
        guard !plans.isEmpty else { throw UserError("entry \(entryID) (\(entry.region.isEmpty ? "全国" : entry.region), \(entry.kind.rawValue)) routes to no enabled channel") }
        let added = try await announcer.enqueue(plans)
        if added == 0 { print("already queued before: nothing new to send") }
        let worker = OutboxWorker(outbox: outbox, sender: ChannelSender(transport: CurlTransport(), logger: .cli()),
                                  limiter: RobotRateLimiter(), channels: directory, logger: .cli())
        try await worker.drain(deadline: Date().addingTimeInterval(Double(timeout)))
        var failed = 0
        for plan in plans {
            let states = try await outbox.messages(keys: plan.messages.map(\.idempotencyKey))
            let delivered = states.filter { $0.status == .delivered }.count
            if delivered == states.count {
                print("\(plan.channel.name): delivered \(delivered)/\(states.count) part(s)")
            } else {
                failed += 1
                let last = states.compactMap(\.lastError).last ?? "not sent yet"
                let dead = states.contains { $0.status == .dead }
                print("\(plan.channel.name): \(dead ? "FAILED" : "PENDING") \(delivered)/\(states.count) delivered (\(last))")
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }
}
