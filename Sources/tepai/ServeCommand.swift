import ArgumentParser
import Foundation
import Logging
import TepaiCore
import TepaiServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the daemon.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var logger = Logger(label: "tepai")
        logger.logLevel = ProcessInfo.processInfo.environment["TEPAI_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let config = try global.loadConfig()
        let store = try global.openStore(config)
        let service = try await global.answerService(config, store: store, logger: logger)
        try await TepaiDaemon(config: config, answers: service, logger: logger).run()
    }
}
