import Logging
import ServiceLifecycle
import TepaiCore

/// Runs every configured source on its own interval inside `tepai serve`. A failing source is logged and
/// tried again at its next interval; it never stops the others or the daemon.
public struct SourcePollerService: Service {
    public let poller: SourcePoller
    let logger: Logger

    public init(poller: SourcePoller, logger: Logger) {
        self.poller = poller
        self.logger = logger
    }

    public func run() async throws {
        logger.info("source poller started", metadata: ["sources": "\(poller.sources.map(\.name).joined(separator: ","))"])
        await withTaskGroup(of: Void.self) { group in
            for source in poller.sources {
                group.addTask { await self.loop(source) }
            }
        }
        logger.info("source poller stopped")
    }

    func loop(_ source: SourceConfig) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let report = await poller.poll(source)
            if report.error == nil {
                logger.log(level: report.changedEntries || !report.skipped.isEmpty ? .info : .debug, "source polled",
                           metadata: ["source": "\(source.name)", "result": "\(report.summary)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(source.intervalSeconds)) }
            } catch {
                // Graceful shutdown or cancellation: stop quietly (a thrown CancellationError would count as a failure).
                break
            }
        }
    }
}
