import Foundation
import Hummingbird
import Logging
import TepaiCore
import TepaiDelivery
import TepaiSchedule
import TepaiStore

/// The admin routes (bearer token): entries, channels, announcements, digests, outbox and delivery log.
/// Writes go through the same validation and transactions as the CLI; the daemon's outbox worker delivers
/// what they enqueue.
public struct AdminAPI: Sendable {
    public let config: TepaiConfig
    public let store: any TepaiDatabase
    public let outbox: any OutboxStore
    public let live: LiveSettings
    public let announcer: Announcer
    public let digests: DigestJobRunner
    public let switches: any ChannelSwitchStore
    public let sender: ChannelSender
    public let reloader: SettingsReloader?
    public let clock: TepaiClock
    public let logger: Logger
    /// Largest request body accepted (entry imports); larger ones get 413.
    public var maxBodyBytes = 8 << 20

    public init(config: TepaiConfig, store: any TepaiDatabase, live: LiveSettings, sender: ChannelSender, reloader: SettingsReloader? = nil,
                clock: TepaiClock, logger: Logger) {
        self.config = config
        self.store = store
        self.live = live
        outbox = store.makeOutbox()
        announcer = Announcer(templates: live.templates, outbox: outbox, channels: live.channels)
        digests = DigestJobRunner(composer: live.composer, ledger: store.makeLedger(), channels: live.channels, logger: logger)
        switches = store.makeChannelSwitches()
        self.sender = sender
        self.reloader = reloader
        self.clock = clock
        self.logger = logger
    }

    struct EntrySummary: Encodable {
        var id: String, kind: String, title: String, region: String, date: String?
    }

    struct ImportView: Encodable {
        var added: Int, updated: Int, unchanged: Int, warnings: [String]
    }

    func register(on group: RouterGroup<TepaiRequestContext>) {
        group.get("entries") { request, _ -> Response in
            let kind = request.uri.queryParameters.get("kind")
            if let kind, EntryKind(rawValue: kind) == nil { return Routes.errorResponse(.badRequest, "kind must be one of \(EntryKind.allCases.map(\.rawValue).joined(separator: ", "))") }
            let all = try await store.allEntries().filter { kind == nil || $0.kind.rawValue == kind }
            return Routes.jsonResponse(all.map { EntrySummary(id: $0.id, kind: $0.kind.rawValue, title: $0.title, region: $0.region, date: $0.date?.description) })
        }
        group.get("entries/:id") { _, context -> Response in
            guard let id = EntryPath.id(context.parameters), let entry = try await store.entry(id: id) else { return Routes.errorResponse(.notFound, "no such entry") }
            return Routes.jsonResponse(entry)
        }
        group.post("entries") { request, _ -> Response in
            let result: EntryBatchReader.Result
            switch try await readEntries(request) {
            case .failure(let failure): return failure.response
            case .success(let r): result = r
            }
            let counts = try await store.upsert(result.entries)
            logger.info("entries imported over HTTP", metadata: ["added": "\(counts.added)", "updated": "\(counts.updated)"])
            return Routes.jsonResponse(ImportView(added: counts.added, updated: counts.updated, unchanged: counts.unchanged,
                                                  warnings: result.warnings.map(\.description)))
        }
        group.delete("entries/:id") { _, context -> Response in
            guard let id = EntryPath.id(context.parameters), try await store.delete(id: id) else { return Routes.errorResponse(.notFound, "no such entry") }
            return Routes.jsonResponse(["deleted": id])
        }
        group.put("entries/:id") { request, context -> Response in
            guard let id = EntryPath.id(context.parameters), try await store.entry(id: id) != nil else {
                return Routes.errorResponse(.notFound, "no such entry; add new entries with POST /v1/entries")
            }
            let result: EntryBatchReader.Result
            switch try await readEntries(request) {
            case .failure(let failure): return failure.response
            case .success(let r): result = r
            }
            guard result.entries.count == 1, let entry = result.entries.first else { return Routes.errorResponse(.badRequest, "an edit is one entry object") }
            guard entry.id == id else { return Routes.errorResponse(.badRequest, "field \"id\": \"\(entry.id)\" does not match the path's \"\(id)\"") }
            let counts = try await store.upsert([entry])
            return Routes.jsonResponse(["id": id, "result": counts.updated > 0 ? "updated" : "unchanged"])
        }
        group.get("channels") { _, _ -> Response in
            Routes.jsonResponse(live.channels.all.map(ChannelView.init))
        }
        group.post("channels/:name/enable") { _, context -> Response in
            guard let name = context.parameters.get("name"), let channel = try await setChannel(name, enabled: true) else { return Routes.errorResponse(.notFound, "no such channel") }
            return Routes.jsonResponse(ChannelView(channel))
        }
        group.post("channels/:name/disable") { _, context -> Response in
            guard let name = context.parameters.get("name"), let channel = try await setChannel(name, enabled: false) else { return Routes.errorResponse(.notFound, "no such channel") }
            return Routes.jsonResponse(ChannelView(channel))
        }
        group.post("channels/:name/test") { _, context -> Response in
            guard let name = context.parameters.get("name"), let channel = live.channels.named(name) else { return Routes.errorResponse(.notFound, "no such channel") }
            let report = await testChannel(channel)
            return Routes.jsonResponse(report, status: report.ok ? .ok : .badGateway)
        }
        group.post("reload") { _, _ -> Response in
            guard let reloader else { return Routes.errorResponse(.notFound, "this daemon has no config file to reload") }
            let report = await reloader.reload()
            return Routes.jsonResponse(report, status: report.reloaded ? .ok : .unprocessableContent)
        }
        group.post("announcements") { request, _ -> Response in
            let result: EntryBatchReader.Result
            switch try await readEntries(request) {
            case .failure(let failure): return failure.response
            case .success(let r): result = r
            }
            guard result.entries.count == 1, let entry = result.entries.first else {
                return Routes.errorResponse(.badRequest, "an announcement is one entry object")
            }
            switch try await announce(entry) {
            case .success(let view): return Routes.jsonResponse(view)
            case .failure(let refusal): return Routes.errorResponse(.unprocessableContent, refusal.description)
            }
        }
        group.get("digests/:channel") { request, context -> Response in
            try await digest(request, context, send: false)
        }
        group.post("digests/:channel/send") { request, context -> Response in
            try await digest(request, context, send: true)
        }
        group.get("outbox") { _, _ -> Response in
            let counts = try await outbox.counts()
            return Routes.jsonResponse(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }))
        }
        group.post("outbox/retry-dead") { request, _ -> Response in
            let n = try await outbox.retryDead(channel: request.uri.queryParameters.get("channel"), now: Date().timeIntervalSince1970)
            return Routes.jsonResponse(["requeued": n])
        }
        group.get("deliveries") { request, _ -> Response in
            let log = try await outbox.deliveryLog(channel: request.uri.queryParameters.get("channel"))
            return Routes.jsonResponse(Array(log.suffix(200)))
        }
    }

    /// Reads entries from the body (JSON, JSON Lines or YAML) with the CLI's validation; a bad record is a
    /// 400 naming the record, field and reason.
    func readEntries(_ request: Request) async throws -> Result<EntryBatchReader.Result, ResponseFailure> {
        let buffer = try await request.body.collect(upTo: maxBodyBytes)
        let data = Data(buffer.readableBytesView)
        let type = request.headers[.contentType]?.lowercased() ?? ""
        let format: EntryFileFormat = type.contains("yaml") ? .yaml : type.contains("ndjson") || type.contains("jsonl") ? .jsonLines
            : EntryFileFormat.detect(path: "", data: data)
        let reader = EntryBatchReader(validator: EntryValidator(knownRegions: config.knownRegions, strict: config.strictImport))
        do { return .success(try reader.read([(name: "request body", data: data, format: format)])) } catch {
            return .failure(ResponseFailure(Routes.errorResponse(.badRequest, error.description)))
        }
    }

    func digest(_ request: Request, _ context: TepaiRequestContext, send: Bool) async throws -> Response {
        guard let name = context.parameters.get("channel"), let channel = live.channels.named(name) else {
            return Routes.errorResponse(.notFound, "no such channel")
        }
        let only = request.uri.queryParameters.get("schedule")
        guard let plans = try await digestPlans(for: channel, schedule: only, send: send) else {
            return Routes.errorResponse(.notFound, "no schedule sends to \(name)")
        }
        return Routes.jsonResponse(plans.views)
    }
}

/// A ready error response carried through a `Result`.
struct ResponseFailure: Error {
    var response: Response
    init(_ response: Response) { self.response = response }
}
