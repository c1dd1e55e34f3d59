import ArgumentParser
import Foundation
import Logging
import TepaiCore
import TepaiDelivery
import TepaiRender
import TepaiSchedule
import TepaiStore

struct DigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest", abstract: "Preview or send a channel's round-ups and reminders.",
        subcommands: [Preview.self, Send.self])

    struct Selection: ParsableArguments {
        @Argument(help: "The channel's name (see tepai channels list).") var channel: String
        @Option(name: .customLong("schedule"), help: "Only this schedule (by name); default: every schedule that sends to the channel.")
        var schedules: [String] = []
    }

    /// Everything both subcommands need: the channel, its jobs, the runner and the clock.
    struct Setup {
        var channel: ChannelConfig
        var jobs: [ScheduleConfig]
        var runner: DigestJobRunner
        var store: any TepaiDatabase
        var config: TepaiConfig
        var now: Date

        init(global: GlobalOptions, selection: Selection) throws {
            config = try global.loadConfig()
            guard let channel = config.channels.first(where: { $0.name == selection.channel }) else {
                throw UserError("no channel named \"\(selection.channel)\"; see tepai channels list")
            }
            for name in selection.schedules where !config.schedules.contains(where: { $0.name == name }) {
                throw UserError("no schedule named \"\(name)\"; schedules: \(config.schedules.map(\.name).joined(separator: ", "))")
            }
            self.channel = channel
            jobs = DigestJobRunner.jobs(for: channel, in: config.schedules, named: selection.schedules)
            if jobs.isEmpty { throw UserError("no schedule sends to \(channel.name) (its kinds: \(channel.kinds.isEmpty ? "all" : channel.kinds.map(\.rawValue).joined(separator: ", ")))") }
            store = try global.openStore(config)
            let composer = try global.digestTemplates(config).composer
            runner = DigestJobRunner(composer: Live(composer), ledger: store.makeLedger(), channels: ChannelDirectory(config.channels), logger: .cli())
            now = try global.clock(config).instant()
        }

        var period: String { runner.manualPeriod(at: now) }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print exactly what would be sent now: every part with its byte size.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: Selection

        func run() async throws {
            let s = try Setup(global: global, selection: selection)
            for job in s.jobs {
                let report = try await s.runner.plan(job, now: s.now, period: s.period, only: [s.channel])
                print("== \(job.name) (\(job.digest.rawValue), cron \(job.cron)) → \(s.channel.name) [\(s.channel.platform.rawValue) \(s.channel.format)]")
                if job.digest == .reminders {
                    if report.reminders.isEmpty { print("no reminder due") }
                    for r in report.reminders { printParts(r.parts, limit: r.contentLimit, note: r.entry.id) }
                } else if let plan = report.digests.first {
                    print("\(plan.items.count) item(s)\(plan.omitted > 0 ? ", \(plan.omitted) more wait for the next round-up" : "")")
                    printParts(plan.parts, limit: plan.contentLimit, note: nil)
                } else {
                    print("nothing to include (nothing new since the last round-up): it would be skipped")
                }
            }
        }

        func printParts(_ parts: [String], limit: Int, note: String?) {
            for (i, part) in parts.enumerated() {
                print("-- part \(i + 1)/\(parts.count): \(part.utf8.count) bytes (limit \(limit))\(note.map { " · \($0)" } ?? "")")
                print(part)
            }
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enqueue the channel's round-ups and reminders now and deliver them; exit 1 if any failed.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: Selection
        @Option(help: "Seconds to keep retrying before giving up for now (the daemon retries later).") var timeout = 60

        func run() async throws {
            let s = try Setup(global: global, selection: selection)
            var keys: [String] = []
            for job in s.jobs {
                let report = try await s.runner.run(job, now: s.now, period: s.period, only: [s.channel])
                for plan in report.digests { keys += plan.commit(now: s.now).messages.map(\.idempotencyKey) }
                for r in report.reminders { keys += r.messages(now: s.now).map(\.idempotencyKey) }
                let what = job.digest == .reminders ? "\(report.reminders.count) reminder(s)"
                    : report.digests.first.map { "\($0.items.count) item(s) in \($0.parts.count) part(s)" } ?? "nothing new, skipped"
                print("\(job.name): \(what)")
            }
            guard !keys.isEmpty else { return }
            let outbox = s.store.makeOutbox()
            let worker = OutboxWorker(outbox: outbox, sender: ChannelSender(transport: CurlTransport(), logger: .cli()),
                                      limiter: RobotRateLimiter(), channels: s.runner.channels, logger: .cli())
            try await worker.drain(deadline: Date().addingTimeInterval(Double(timeout)))
            let states = try await outbox.messages(keys: keys)
            let delivered = states.filter { $0.status == .delivered }.count
            print("\(s.channel.name): delivered \(delivered)/\(states.count) message(s)")
            if delivered < states.count {
                let last = states.compactMap(\.lastError).last ?? "not sent yet"
                Output.error("\(states.count - delivered) message(s) not delivered (\(last)); see tepai outbox status")
                throw ExitCode(1)
            }
        }
    }
}
