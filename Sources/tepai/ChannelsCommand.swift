import ArgumentParser
import Foundation
import Logging
import TepaiCore
import TepaiDelivery

struct ChannelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channels", abstract: "Show configured channels or send them a test message.",
        subcommands: [List.self, Test.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per channel; secrets masked.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let config = try global.loadConfig()
            for c in config.channels {
                let kinds = c.kinds.isEmpty ? "*" : c.kinds.map(\.rawValue).joined(separator: ",")
                let topics = c.topics.isEmpty ? "*" : c.topics.joined(separator: ",")
                print([c.name, c.platform.rawValue, c.format, c.enabled ? "enabled" : "disabled",
                       "regions=\(c.regions.joined(separator: ","))", "kinds=\(kinds)", "topics=\(topics)",
                       c.platform == .log ? "(log)" : SecretMasker.maskURL(c.url),
                       c.secret.map { "secret=\(SecretMasker.mask($0))" } ?? ""].filter { !$0.isEmpty }.joined(separator: "\t"))
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a short test message to each named channel (all when none is named); exit 1 if any failed.")
        @OptionGroup var global: GlobalOptions
        @Argument var names: [String] = []

        func run() async throws {
            let config = try global.loadConfig()
            let unknown = names.filter { n in !config.channels.contains { $0.name == n } }
            if !unknown.isEmpty { throw UserError("no channel named \(unknown.joined(separator: ", ")); see tepai channels list") }
            let chosen = names.isEmpty ? config.channels : config.channels.filter { names.contains($0.name) }
            let sender = ChannelSender(transport: CurlTransport(), logger: .cli())
            let stamp = LocalDateTime.from(Date(), in: config.timezone)
            var failed = 0
            for channel in chosen {
                let attempts = await sender.send(
                    [MessageBlock("这是 tepai 的测试消息（\(stamp.date) \(stamp.clockText)），收到即表示本群的推送已配置好。")],
                    title: "tepai 测试", to: channel)
                for a in attempts {
                    switch a.outcome {
                    case .delivered: print("\(channel.name): ok (errcode 0, \(String(format: "%.0f", a.seconds * 1000)) ms)")
                    case .retryable(let code, let message):
                        failed += 1
                        print("\(channel.name): FAILED, retryable (code \(code): \(message))")
                    case .permanent(let code, let message):
                        failed += 1
                        print("\(channel.name): FAILED (code \(code): \(message))")
                    }
                }
            }
            if failed > 0 { throw ExitCode(1) }
        }
    }
}
