import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TepaiCore
import TepaiDelivery
import UnixSignals

/// The long-running process: the HTTP server (and, as they arrive, the scheduler and outbox worker) under one
/// ServiceGroup that shuts down gracefully on SIGTERM or SIGINT.
public struct TepaiDaemon: Sendable {
    public let config: TepaiConfig
    public let answers: AnswerService
    public let logger: Logger
    /// Called with the bound port once the server listens (port 0 picks a free one; tests read it here).
    public let onListening: @Sendable (Int) async -> Void
    /// Background services that run beside the HTTP server (the outbox worker).
    public let services: [any Service]
    /// The admin routes, when the daemon has the stores they need.
    public let admin: AdminAPI?
    public let metrics: Metrics
    /// Platform events already answered by the callbacks (the SQLite table in `serve`, so restarts keep it).
    public let callbackEvents: any CallbackEventLog
    /// The web console under /console/ (built from the admin API's services).
    public let console: Console?

    public init(config: TepaiConfig, answers: AnswerService, logger: Logger, services: [any Service] = [], admin: AdminAPI? = nil,
                metrics: Metrics = Metrics(), callbackEvents: any CallbackEventLog = InMemoryCallbackEventLog(), console: Console? = nil,
                onListening: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.config = config
        self.answers = answers
        self.logger = logger
        self.services = services
        self.admin = admin
        self.metrics = metrics
        self.callbackEvents = callbackEvents
        self.console = console
        self.onListening = onListening
    }

    public func application() -> some ApplicationProtocol {
        let logger = self.logger
        let host = config.serverHost
        let listening = onListening
        return Application(
            router: Routes.router(answers: answers, limiter: RateLimiter(perMinute: config.queryRateLimitPerMinute), logger: logger,
                                  metrics: metrics, admin: admin, callbacks: config.callbacks, callbackEvents: callbackEvents,
                                  transport: CurlTransport(options: TransportOptions(proxyFrom: config), maxTransfers: 2), console: console),
            configuration: .init(address: .hostname(host, port: config.serverPort), serverName: "tepai"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("tepai listening", metadata: ["url": "http://\(host):\(port)"])
                await listening(port)
            },
            logger: logger)
    }

    public func run() async throws {
        let group = ServiceGroup(configuration: .init(
            services: [application()] + services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("tepai stopped")
    }
}
