import Foundation
import Logging
import TepaiCore
import TepaiRender
import TepaiSearch
import TepaiStore

/// Answers questions from the store's current content. Questions are answered concurrently from an immutable
/// snapshot (index, analyzer, answer template); the snapshot is rebuilt when the store's revision moves (read
/// at most once per `refreshInterval`) or on reload. Answers are cached per snapshot and day: a group asks
/// the same few questions over and over, and a changed store or reload starts a fresh cache.
public final class AnswerService: Sendable {
    struct Snapshot: Sendable {
        var engine: QueryEngine
        var analyzer: QueryAnalyzer
        var renderer: AnswerRenderer
        var revision: Int
        /// Bumped by every rebuild, so cached answers of an older snapshot are never served.
        var generation: Int
    }

    let store: any ContentStore
    let clock: TepaiClock
    let logger: Logger
    let refreshInterval: Duration
    let tuning: RankingTuning
    let cache: AnswerCache
    private let snapshot: Live<Snapshot>
    private let lastCheck: Live<ContinuousClock.Instant>

    public init(store: any ContentStore, analyzer: QueryAnalyzer, renderer: AnswerRenderer, clock: TepaiClock,
                logger: Logger, tuning: RankingTuning = RankingTuning(), refreshInterval: Duration = .seconds(2),
                cacheCapacity: Int = 4096) async throws {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.refreshInterval = refreshInterval
        self.tuning = tuning
        cache = AnswerCache(capacity: cacheCapacity)
        let revision = try await store.revision()
        let engine = QueryEngine(index: SearchIndex(entries: try await store.allEntries()), analyzer: analyzer, tuning: tuning)
        snapshot = Live(Snapshot(engine: engine, analyzer: analyzer, renderer: renderer, revision: revision, generation: 0))
        lastCheck = Live(.now)
    }

    /// Rebuilds the index if the store changed since the last build (or always, with `force`).
    public func refresh(force: Bool = false) async throws {
        try await rebuild(force: force) { $0 }
    }

    /// Takes a new lexicon (in the analyzer) and answer template (in the renderer) and rebuilds the index
    /// with them. Questions already being answered finish with the old ones; the next ones get the new.
    public func reload(analyzer: QueryAnalyzer, renderer: AnswerRenderer) async throws {
        try await rebuild(force: true) { s in
            var s = s
            s.analyzer = analyzer
            s.renderer = renderer
            return s
        }
    }

    private func rebuild(force: Bool, _ change: @Sendable (Snapshot) -> Snapshot) async throws {
        let current = try await store.revision()
        lastCheck.replace(.now)
        let old = snapshot.value
        guard force || current != old.revision else { return }
        let started = ContinuousClock.now
        let entries = try await store.allEntries()
        var next = change(old)
        next.engine = QueryEngine(index: SearchIndex(entries: entries), analyzer: next.analyzer, tuning: tuning)
        next.revision = current
        snapshot.update { s in
            next.generation = s.generation + 1
            s = next
        }
        cache.removeAll()
        logger.info("search index rebuilt", metadata: ["entries": "\(entries.count)", "ms": "\((ContinuousClock.now - started).milliseconds)"])
    }

    /// The store's revision, read now (readiness checks that the database answers).
    public func storeRevision() async throws -> Int {
        try await store.revision()
    }

    /// The snapshot to answer from, after a revision check when the last one is older than `refreshInterval`
    /// (only the first question to notice does the check).
    private func current() async throws -> Snapshot {
        let now = ContinuousClock.now
        let due = lastCheck.update { last -> Bool in
            guard now - last > refreshInterval else { return false }
            last = now
            return true
        }
        if due { try await refresh() }
        return snapshot.value
    }

    public func search(_ text: String, limit: Int = 3, today: LocalDate? = nil) async throws -> SearchOutcome {
        try await current().engine.search(text, today: today ?? clock.today(), limit: limit)
    }

    public func answer(_ text: String, limit: Int = 3, today: LocalDate? = nil) async throws -> QueryResponse {
        let s = try await current()
        let day = today ?? clock.today()
        let key = AnswerCache.Key(text: text, limit: limit, day: day.description, generation: s.generation)
        if let cached = cache.get(key) { return cached }
        let outcome = s.engine.search(text, today: day, limit: limit)
        let response = QueryResponse(outcome: outcome, answer: try s.renderer.render(outcome))
        cache.put(key, response)
        return response
    }
}

/// Recent answers, bounded: when full, the older half is dropped (cheaper than exact LRU, and a group's
/// recurring questions come back into the newer half quickly).
final class AnswerCache: @unchecked Sendable {
    struct Key: Hashable {
        var text: String, limit: Int, day: String, generation: Int
    }

    private let lock = NSLock()
    private let capacity: Int
    private var newer: [Key: QueryResponse] = [:]
    private var older: [Key: QueryResponse] = [:]

    init(capacity: Int) { self.capacity = max(0, capacity) }

    var count: Int { lock.withLock { newer.count + older.count } }

    func get(_ key: Key) -> QueryResponse? {
        lock.withLock { newer[key] ?? older[key] }
    }

    func put(_ key: Key, _ value: QueryResponse) {
        guard capacity > 0 else { return }
        lock.withLock {
            if newer.count >= capacity / 2 {
                older = newer
                newer = [:]
            }
            newer[key] = value
        }
    }

    func removeAll() {
        lock.withLock {
            newer = [:]
            older = [:]
        }
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
