import Foundation
import Logging
import TepaiCore
import TepaiStore

/// Polls content sources once: a watched folder's changed files, or a feed with a conditional GET. New and
/// changed entries go through the store's ordinary upsert (so `content_hash` and `updated_at` move and
/// digests see the change); broken items are logged with their source and skipped; a failing source is
/// reported, never thrown.
public struct SourcePoller: Sendable {
    public let sources: [SourceConfig]
    let store: any ContentStore
    let state: any SourceStateStoring
    let fetcher: FeedFetcher
    let validator: EntryValidator
    let timeZone: TimeZone
    let logger: Logger
    let clock: @Sendable () -> Date
    /// Called after a poll that added or changed entries (the daemon rebuilds its answer index there).
    let onChange: @Sendable () async -> Void
    /// A file modified less than this many seconds ago may still be being written: it waits for the next poll.
    public var settleSeconds: Double = 1

    public init(sources: [SourceConfig], store: any ContentStore, state: any SourceStateStoring, fetcher: FeedFetcher,
                validator: EntryValidator, timeZone: TimeZone, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() },
                onChange: @escaping @Sendable () async -> Void = {}) {
        self.sources = sources
        self.store = store
        self.state = state
        self.fetcher = fetcher
        self.validator = validator
        self.timeZone = timeZone
        self.logger = logger
        self.clock = clock
        self.onChange = onChange
    }

    /// Polls every source once, in order.
    public func pollAll() async -> [SourceReport] {
        var reports: [SourceReport] = []
        for source in sources { reports.append(await poll(source)) }
        return reports
    }

    public func poll(_ source: SourceConfig) async -> SourceReport {
        var report = SourceReport(source: source.name, type: source.type)
        let started = clock()
        var st: SourceState
        do { st = try await state.state(source: source.name) ?? SourceState(source: source.name) } catch {
            report.error = "cannot read the source's state: \(error)"
            logger.error("source poll failed", metadata: ["source": "\(source.name)", "error": "\(report.error ?? "")"])
            return report
        }
        do {
            switch source.type {
            case .folder: try await pollFolder(source, state: &st, report: &report)
            case .rss, .json: try await pollFeed(source, state: &st, report: &report)
            }
            st.lastSuccessAt = started
            st.lastError = nil
        } catch {
            report.error = "\(error)"
            st.lastError = report.error
            logger.error("source poll failed; retried at the next interval",
                         metadata: ["source": "\(source.name)", "location": "\(source.location)", "error": "\(error)"])
        }
        st.lastPollAt = started
        do { try await state.save(st) } catch {
            logger.error("cannot save the source's state", metadata: ["source": "\(source.name)", "error": "\(error)"])
        }
        if report.changedEntries { await onChange() }
        return report
    }

    func pollFeed(_ source: SourceConfig, state st: inout SourceState, report: inout SourceReport) async throws {
        let outcome = try await fetcher.fetch(url: source.url, etag: st.etag, lastModified: st.lastModified)
        guard case .fetched(let body, let etag, let lastModified) = outcome else {
            report.notModified = true
            return
        }
        let feed = source.type == .rss ? try XMLFeedParser.parse(body) : try JSONFeedParser.parse(body)
        let mapped = FeedItemMapper(source: source, validator: validator, timeZone: timeZone).map(feed, feedURL: source.url)
        for skipped in mapped.skipped {
            logger.warning("source item skipped", metadata: [
                "source": "\(source.name)", "item": "\(skipped.location)", "reason": "\(skipped.reason)",
            ])
        }
        for w in mapped.warnings { logger.notice("source item warning", metadata: ["source": "\(source.name)", "warning": "\(w)"]) }
        let counts = try await store.upsert(mapped.entries)
        report.added = counts.added
        report.updated = counts.updated
        report.unchanged = counts.unchanged
        report.skipped = mapped.skipped
        // The validators are kept only once the items are stored: a failed write fetches the feed again.
        st.etag = etag
        st.lastModified = lastModified
        st.itemCount = mapped.entries.count
    }

    func pollFolder(_ source: SourceConfig, state st: inout SourceState, report: inout SourceReport) async throws {
        let scanner = FolderScanner(validator: validator)
        let paths = try scanner.files(in: source.path)
        let known = try await state.files(source: source.name)
        var items = 0
        for path in paths {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                report.skipped.append(SkippedItem(location: path, reason: "cannot read the file (\(EntryBatchReader.describe(error)))"))
                continue
            }
            if settleSeconds > 0, let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
               clock().timeIntervalSince(modified) < settleSeconds {
                report.filesDeferred += 1
                continue
            }
            let hash = FolderScanner.contentHash(data)
            if let previous = known[path], previous.contentHash == hash {
                if previous.imported {
                    report.filesUnchanged += 1
                    items += previous.entryCount
                } else {
                    // The same bytes that were refused before: not logged again.
                    report.skipped.append(SkippedItem(location: path, reason: "unchanged since it was refused: \(previous.error ?? "unreadable")"))
                }
                continue
            }
            report.filesRead += 1
            let result: EntryBatchReader.LenientResult
            do throws(ImportError) { result = try scanner.read(path: path, data: data) } catch {
                // The file as a whole does not parse (half written?): nothing of it is stored, and it is read
                // again as soon as its bytes change.
                report.skipped.append(SkippedItem(error))
                logger.error("source file refused; read again when it changes", metadata: Self.metadata(source: source.name, error))
                try await state.saveFile(source: source.name, SourceFileState(path: path, contentHash: hash, imported: false, error: "\(error)"), at: clock())
                continue
            }
            for problem in result.problems {
                report.skipped.append(SkippedItem(problem))
                logger.warning("source record skipped", metadata: Self.metadata(source: source.name, problem))
            }
            for w in result.warnings { logger.notice("source record warning", metadata: ["source": "\(source.name)", "warning": "\(w)"]) }
            // One transaction per file: its valid records land together or not at all.
            let counts = try await store.upsert(result.entries)
            report.added += counts.added
            report.updated += counts.updated
            report.unchanged += counts.unchanged
            items += result.entries.count
            try await state.saveFile(source: source.name, SourceFileState(path: path, contentHash: hash, imported: true, entryCount: result.entries.count), at: clock())
        }
        try await state.forgetFiles(source: source.name, keeping: Set(paths))
        st.itemCount = items
    }

    static func metadata(source: String, _ error: ImportError) -> Logger.Metadata {
        switch error {
        case .invalidField(let loc, let field, let reason):
            ["source": "\(source)", "file": "\(loc.source)", "record": "\(loc.position)", "field": "\(field)", "reason": "\(reason)"]
        case .invalidRecord(let loc, let reason):
            ["source": "\(source)", "file": "\(loc.source)", "record": "\(loc.position)", "reason": "\(reason)"]
        case .unreadable(let file, let reason):
            ["source": "\(source)", "file": "\(file)", "reason": "\(reason)"]
        }
    }
}

extension SkippedItem {
    /// A broken record or file of a watched folder: "FILE, record 2" and "field "date": …".
    init(_ error: ImportError) {
        switch error {
        case .invalidField(let loc, let field, let reason): self.init(location: loc.description, reason: "field \"\(field)\": \(reason)")
        case .invalidRecord(let loc, let reason): self.init(location: loc.description, reason: reason)
        case .unreadable(let file, let reason): self.init(location: file, reason: reason)
        }
    }
}
