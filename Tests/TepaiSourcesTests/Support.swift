import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TepaiCore
import TepaiDelivery
import TepaiSources
import TepaiStore

/// A feed server on 127.0.0.1: serves documents that the test changes, with `ETag` and `Last-Modified`,
/// records every request's validators and answers 304 when they match.
final class FeedPeer: @unchecked Sendable {
    struct Request: Equatable {
        var path: String
        var ifNoneMatch: String?
        var ifModifiedSince: String?
        var status: Int
    }

    struct Document {
        var body: String
        var contentType: String
        var etag: String?
        var lastModified: String?
        var status: Int
    }

    private let lock = NSLock()
    private var documents: [String: Document] = [:]
    private var seen: [Request] = []
    private var version = 0
    private var task: Task<Void, Error>?
    private(set) var port = 0

    static let paths = ["/rss.xml", "/atom.xml", "/feed.json", "/entries.json", "/broken.xml", "/down.xml"]

    var requests: [Request] { lock.withLock { seen } }
    func requests(_ path: String) -> [Request] { requests.filter { $0.path == path } }
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Serves `body` at `path` with a new ETag (unless `etag` is false) and a new Last-Modified.
    func serve(_ path: String, _ body: String, contentType: String = "application/xml", etag: Bool = true, status: Int = 200) {
        lock.withLock {
            version += 1
            let modified = Date(timeIntervalSince1970: 1_772_000_000 + Double(version) * 60)
            let format = DateFormatter()
            format.locale = Locale(identifier: "en_US_POSIX")
            format.timeZone = TimeZone(identifier: "GMT")
            format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            documents[path] = Document(body: body, contentType: contentType, etag: etag ? "\"v\(version)\"" : nil,
                                       lastModified: format.string(from: modified), status: status)
        }
    }

    func start() async throws {
        let router = Router()
        for path in Self.paths {
            router.get(RouterPath(stringLiteral: path)) { request, _ -> Response in self.answer(path, request) }
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        task = Task { try await app.runService() }
        var it = ports.makeAsyncIterator()
        port = await it.next() ?? 0
    }

    func stop() { task?.cancel() }

    private func answer(_ path: String, _ request: Request_) -> Response {
        let ifNoneMatch = request.headers[HTTPField.Name("If-None-Match")!]
        let ifModifiedSince = request.headers[HTTPField.Name("If-Modified-Since")!]
        return lock.withLock {
            guard let doc = documents[path] else {
                seen.append(Request(path: path, ifNoneMatch: ifNoneMatch, ifModifiedSince: ifModifiedSince, status: 404))
                return Response(status: .notFound)
            }
            var headers = HTTPFields()
            headers[.contentType] = doc.contentType
            if let etag = doc.etag { headers[HTTPField.Name("ETag")!] = etag }
            if let lm = doc.lastModified { headers[HTTPField.Name("Last-Modified")!] = lm }
            let fresh = doc.etag.map { ifNoneMatch == $0 } ?? (ifModifiedSince != nil && ifModifiedSince == doc.lastModified)
            let status = doc.status == 200 && fresh ? 304 : doc.status
            seen.append(Request(path: path, ifNoneMatch: ifNoneMatch, ifModifiedSince: ifModifiedSince, status: status))
            if status == 304 { return Response(status: .notModified, headers: headers) }
            return Response(status: HTTPResponse.Status(code: status), headers: headers,
                            body: .init(byteBuffer: ByteBuffer(string: doc.body)))
        }
    }
}

typealias Request_ = Hummingbird.Request

let shanghai = TimeZone(identifier: "Asia/Shanghai")!

var quietLogger: Logger {
    var l = Logger(label: "test")
    l.logLevel = .critical
    return l
}

/// A log handler that keeps what it is given, to check what an administrator would read.
final class LogCapture: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    var messages: [String] { lock.withLock { lines } }

    func log(event: LogEvent) {
        let meta = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lock.withLock { lines.append("\(event.level) \(event.message) \(meta)") }
    }

    var logger: Logger { Logger(label: "capture") { _ in self } }
}

func freshStore() throws -> SQLiteStore {
    try SQLiteStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("tepai-sources-\(UUID().uuidString).sqlite").path)
}

func tempFolder() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-folder-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

func poller(_ sources: [SourceConfig], store: SQLiteStore, logger: Logger = quietLogger, settle: Double = 0,
            onChange: @escaping @Sendable () async -> Void = {}) -> SourcePoller {
    var p = SourcePoller(sources: sources, store: store, state: SourceStateStore(store: store),
                         fetcher: FeedFetcher(transport: CurlTransport(maxTransfers: 2)),
                         validator: EntryValidator(knownRegions: TepaiConfig().knownRegions), timeZone: shanghai,
                         logger: logger, onChange: onChange)
    p.settleSeconds = settle
    return p
}

/// content_hash of every stored entry, through the ledger digests read from.
func contentHashes(_ store: SQLiteStore) async throws -> [String: String] {
    var out: [String: String] = [:]
    for s in try await DigestLedger(store: store).storedEntries(kinds: EntryKind.allCases) { out[s.entry.id] = s.contentHash }
    return out
}
