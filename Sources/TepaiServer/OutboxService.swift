import Foundation
import Logging
import ServiceLifecycle
import TepaiCore
import TepaiDelivery
import TepaiStore

/// Runs the outbox worker inside the daemon: sends what is due, sleeps briefly when idle, and stops between
/// messages on graceful shutdown so that sends in flight finish. It also picks up channel switches stored by
/// another process (`tepai channels disable`) every `switchRefresh`, and trims the delivery log to
/// `logRetention` at the start and every `pruneEvery`.
public struct OutboxService: Service {
    public let worker: OutboxWorker
    public let switches: (any ChannelSwitchStore)?
    public let logger: Logger
    public var idle: Duration = .milliseconds(500)
    public var switchRefresh: Duration = .seconds(5)
    /// How long the delivery log keeps an attempt; nil keeps every attempt.
    public var logRetention: TimeInterval?
    public var pruneEvery: Duration = .seconds(6 * 3600)
    public var now: @Sendable () -> Date = { Date() }

    public init(worker: OutboxWorker, switches: (any ChannelSwitchStore)? = nil, logRetention: TimeInterval? = nil, logger: Logger) {
        self.worker = worker
        self.switches = switches
        self.logRetention = logRetention
        self.logger = logger
    }

    /// Deletes the attempts older than `logRetention`; a failure is logged and tried again next time.
    func pruneLog() async {
        guard let logRetention else { return }
        let cutoff = now().timeIntervalSince1970 - logRetention
        do {
            let gone = try await worker.outbox.pruneDeliveryLog(before: cutoff)
            if gone > 0 { logger.info("delivery log trimmed", metadata: ["attempts": "\(gone)", "days": "\(Int(logRetention / 86_400))"]) }
        } catch {
            logger.error("could not trim the delivery log", metadata: ["error": "\(error)"])
        }
    }

    public func run() async throws {
        let recovered = try await worker.outbox.recoverInFlight()
        if recovered > 0 { logger.warning("messages in flight at the last stop will be sent again", metadata: ["count": "\(recovered)"]) }
        var lastRefresh = ContinuousClock.now
        await pruneLog()
        var lastPrune = ContinuousClock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if ContinuousClock.now - lastPrune >= pruneEvery {
                await pruneLog()
                lastPrune = .now
            }
            do {
                if let switches, ContinuousClock.now - lastRefresh >= switchRefresh {
                    worker.channels.replace(switches: try await switches.all())
                    lastRefresh = .now
                }
                if try await worker.runOnce() == 0 {
                    try await gracefulShutdownOrSleep(idle)
                }
            } catch is CancellationError {
                break
            } catch {
                // One bad message or database hiccup must not stop delivery for everyone.
                logger.error("outbox pass failed", metadata: ["error": "\(error)"])
                try? await gracefulShutdownOrSleep(.seconds(2))
            }
        }
        logger.info("outbox worker stopped")
    }

    func gracefulShutdownOrSleep(_ d: Duration) async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: d) }
    }
}
