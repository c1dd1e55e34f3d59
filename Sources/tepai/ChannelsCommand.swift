import ArgumentParser
import Foundation
import Logging
import TepaiCore
import TepaiDelivery
import TepaiStore

struct ChannelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channels", abstract: "Show configured channels or send them a test message.",
        subcommands: [List.self, Test.self, Enable.self, Disable.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per channel; secrets masked.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let config = try global.loadConfig()
            for c in try await global.channelDirectory(config).all {
                let kinds = c.kinds.isEmpty ? "*" : c.kinds.map(\.rawValue).joined(separator: ",")
                let topics = c.topics.isEmpty ? "*" : c.topics.joined(separator: ",")
                print([c.name, c.platform.rawValue, c.format, c.enabled ? "enabled" : "disabled",
                       "regions=\(c.regions.joined(separator: ","))", "kinds=\(kinds)", "topics=\(topics)",
                       c.platform == .log ? "(log)" : SecretMasker.maskURL(c.url),
                       c.secret.map { "secret=\(SecretMasker.mask($0))" } ?? "",
                       c.proxy.map { "proxy=\(SecretMasker.maskProxy($0))" } ?? "",
                       c.noProxy.map { "no_proxy=\($0)" } ?? ""].filter { !$0.isEmpty }.joined(separator: "\t"))
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
            var failed = 0
            for channel in chosen {
                for a in await sender.sendTest(to: channel, timeZone: config.timezone) {
                    if case .delivered = a.outcome {
                        print("\(channel.name): ok (errcode 0, \(String(format: "%.0f", a.seconds * 1000)) ms)")
                    } else {
                        failed += 1
                        print("\(channel.name): \(a.outcome.summary)")
                    }
                }
            }
            if failed > 0 { throw ExitCode(1) }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Switch channels on: held messages go out, round-ups resume.")
        @OptionGroup var global: GlobalOptions
        @Argument var names: [String]

        func run() async throws { try await ChannelsCommand.set(names, enabled: true, global: global) }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Switch channels off: nothing is sent to them; queued messages wait until they are switched on.")
        @OptionGroup var global: GlobalOptions
        @Argument var names: [String]

        func run() async throws { try await ChannelsCommand.set(names, enabled: false, global: global) }
    }

    /// The switch is stored, so the daemon (within a few seconds) and later runs see it.
    static func set(_ names: [String], enabled: Bool, global: GlobalOptions) async throws {
        let config = try global.loadConfig()
        let unknown = names.filter { n in !config.channels.contains { $0.name == n } }
        if !unknown.isEmpty { throw UserError("no channel named \(unknown.joined(separator: ", ")); see tepai channels list") }
        let switches = try global.openStore(config).makeChannelSwitches()
        for name in names {
            try await switches.set(name, enabled: enabled)
            print("\(name): \(enabled ? "enabled" : "disabled")")
        }
    }
}
