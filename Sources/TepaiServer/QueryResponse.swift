import TepaiCore
import TepaiSearch

/// The JSON of `tepai query --json` and `GET /v1/query` (contract): exactly these keys.
public struct QueryResponse: Codable, Sendable, Equatable {
    public struct Result: Codable, Sendable, Equatable {
        public var id: String
        public var score: Double
        public var title: String
        public var kind: String
    }

    public var query: String
    public var declined: Bool
    public var results: [Result]
    public var answer: String

    init(query: String, declined: Bool, results: [Result], answer: String) {
        self.query = query
        self.declined = declined
        self.results = results
        self.answer = answer
    }

    public init(outcome: SearchOutcome, answer: String) {
        query = outcome.query
        declined = outcome.declined
        results = outcome.declined ? [] : outcome.hits.map {
            Result(id: $0.entry.id, score: (Double($0.score) * 10000).rounded() / 10000, title: $0.entry.title, kind: $0.entry.kind.rawValue)
        }
        self.answer = answer
    }
}
