import Foundation
import Logging
import TepaiCore
import TepaiRender
import TepaiSearch
import TepaiStore

/// Answers questions from the store's current content. The in-memory index is rebuilt when the store's
/// revision moves; the revision is read at most once per `refreshInterval` so queries stay in memory.
public actor AnswerService {
    let store: any ContentStore
    private(set) var analyzer: QueryAnalyzer
    private(set) var renderer: AnswerRenderer
    let clock: TepaiClock
    let logger: Logger
    let refreshInterval: Duration
    let tuning: RankingTuning
    private var engine: QueryEngine
    private var revision: Int
    private var lastCheck: ContinuousClock.Instant

    public init(store: any ContentStore, analyzer: QueryAnalyzer, renderer: AnswerRenderer, clock: TepaiClock,
                logger: Logger, tuning: RankingTuning = RankingTuning(), refreshInterval: Duration = .seconds(2)) async throws {
        self.store = store
        self.analyzer = analyzer
        self.renderer = renderer
        self.clock = clock
        self.logger = logger
        self.refreshInterval = refreshInterval
        self.tuning = tuning
        revision = try await store.revision()
        engine = QueryEngine(index: SearchIndex(entries: try await store.allEntries()), analyzer: analyzer, tuning: tuning)
        lastCheck = .now
    }

    /// Rebuilds the index if the store changed since the last build.
    public func refresh(force: Bool = false) async throws {
        let current = try await store.revision()
        lastCheck = .now
        guard force || current != revision else { return }
        let started = ContinuousClock.now
        let entries = try await store.allEntries()
        engine = QueryEngine(index: SearchIndex(entries: entries), analyzer: analyzer, tuning: tuning)
        revision = current
        logger.info("search index rebuilt", metadata: ["entries": "\(entries.count)", "ms": "\((ContinuousClock.now - started).milliseconds)"])
    }

    /// Takes a new lexicon (in the analyzer) and answer template (in the renderer) and rebuilds the index
    /// with them. Questions already being answered finish with the old ones; the next ones get the new.
    public func reload(analyzer: QueryAnalyzer, renderer: AnswerRenderer) async throws {
        self.analyzer = analyzer
        self.renderer = renderer
        try await refresh(force: true)
    }

    /// The store's revision, read now (readiness checks that the database answers).
    public func storeRevision() async throws -> Int {
        try await store.revision()
    }

    public func search(_ text: String, limit: Int = 3, today: LocalDate? = nil) async throws -> SearchOutcome {
        if ContinuousClock.now - lastCheck > refreshInterval { try await refresh() }
        return engine.search(text, today: today ?? clock.today(), limit: limit)
    }

    public func answer(_ text: String, limit: Int = 3, today: LocalDate? = nil) async throws -> QueryResponse {
        let outcome = try await search(text, limit: limit, today: today)
        return QueryResponse(outcome: outcome, answer: try renderer.render(outcome))
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
