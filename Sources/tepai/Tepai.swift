import ArgumentParser
import Foundation
import Logging
import TepaiCore
import TepaiStore

@main
struct Tepai: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "tepai",
        abstract: "Knowledge and notification bot for a science & technology bureau's group chats.",
        subcommands: [
            ImportCommand.self, QueryCommand.self, EvalCommand.self, EntriesCommand.self, ServeCommand.self,
            ChannelsCommand.self, DigestCommand.self, AnnounceCommand.self, OutboxCommand.self, SourcesCommand.self, BenchCommand.self, VersionCommand.self,
        ])

    /// Exit codes (contract): 0 success, 1 bad input or configuration, 2 internal failure.
    static func main() async {
        // Logs are for operators and go to standard error; standard output carries command results (JSON).
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let e as UserError {
            Output.error(e.description)
            Foundation.exit(1)
        } catch let e as ImportError {
            Output.error(e.description)
            Foundation.exit(1)
        } catch let e as StoreError {
            // The database could not be opened, reached or written: the message says where and why.
            Output.error(e.description)
            Foundation.exit(2)
        } catch let e as ExitCode {
            Foundation.exit(e.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if code == .validationFailure {
                Output.error(fullMessage(for: error))
                Foundation.exit(1)
            }
            Output.error("internal failure: \(error)")
            Foundation.exit(2)
        }
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")
    func run() { print("tepai \(Tepai.version)") }
}
