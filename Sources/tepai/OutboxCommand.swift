import ArgumentParser
import Foundation
import TepaiCore
import TepaiDelivery
import TepaiStore

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Inspect and drive the outbox of pending messages.",
        subcommands: [Status.self, Run.self, RetryDead.self])

    static func open(_ global: GlobalOptions) throws -> (TepaiConfig, any OutboxStore) {
        let config = try global.loadConfig()
        return (config, try global.openStore(config).makeOutbox())
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Messages per state.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let (_, outbox) = try OutboxCommand.open(global)
            let counts = try await outbox.counts()
            for s in [OutboxMessage.Status.pending, .sending, .delivered, .dead] { print("\(s.rawValue)\t\(counts[s] ?? 0)") }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send what is due until the outbox is empty of due work or the time is up (the daemon does this continuously).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Seconds to run at most.") var timeout = 300

        func run() async throws {
            let (config, outbox) = try OutboxCommand.open(global)
            // Messages a crashed run left "sending" have an unknown outcome: send them again.
            let recovered = try await outbox.recoverInFlight()
            if recovered > 0 { Output.error("\(recovered) message(s) in flight at the last stop will be sent again") }
            let worker = OutboxWorker(outbox: outbox, sender: ChannelSender(transport: CurlTransport(), logger: .cli()),
                                      limiter: RobotRateLimiter(), channels: try await global.channelDirectory(config), logger: .cli())
            try await worker.drain(deadline: Date().addingTimeInterval(Double(timeout)))
            let counts = try await outbox.counts()
            print("delivered \(counts[.delivered] ?? 0), pending \(counts[.pending] ?? 0), dead \(counts[.dead] ?? 0)")
        }
    }

    struct RetryDead: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retry-dead", abstract: "Queue dead letters again.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this channel.") var channel: String?

        func run() async throws {
            let (_, outbox) = try OutboxCommand.open(global)
            print("requeued \(try await outbox.retryDead(channel: channel, now: Date().timeIntervalSince1970)) message(s)")
        }
    }
}
