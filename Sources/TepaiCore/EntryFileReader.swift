import Foundation

/// The file formats entries can be imported from.
public enum EntryFileFormat: String, Sendable {
    case json, jsonLines, yaml

    /// Chooses by file extension; anything unknown is sniffed from the content.
    public static func detect(path: String, data: Data) -> EntryFileFormat {
        switch (path as NSString).pathExtension.lowercased() {
        case "json": return .json
        case "jsonl", "ndjson": return .jsonLines
        case "yaml", "yml": return .yaml
        default: return sniff(data)
        }
    }

    static func sniff(_ data: Data) -> EntryFileFormat {
        let head = data.prefix(4096)
        guard let first = head.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else { return .json }
        if first == UInt8(ascii: "[") { return .json }
        if first == UInt8(ascii: "{") {
            // One object per line is JSON Lines; an object spanning lines is plain JSON.
            let lines = head.split(separator: 0x0A).filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x0D } }
            return lines.count > 1 && lines.allSatisfy({ $0.first == UInt8(ascii: "{") }) ? .jsonLines : .json
        }
        return .yaml
    }
}

/// Reads entry files into validated entries. The whole batch is checked before anything is returned, so a
/// caller either gets every entry or an error and writes nothing.
public struct EntryBatchReader: Sendable {
    public let validator: EntryValidator

    public init(validator: EntryValidator) {
        self.validator = validator
    }

    public struct Result: Sendable {
        public var entries: [Entry]
        public var warnings: [ImportWarning]
    }

    /// Reads and validates several sources; ids must be unique across all of them. Records are validated as
    /// they are parsed, so the parsed trees of a large file are never all in memory at once.
    public func read(_ sources: [(name: String, data: Data, format: EntryFileFormat)]) throws(ImportError) -> Result {
        var entries: [Entry] = []
        var warnings: [ImportWarning] = []
        var seen: [String: RecordLocation] = [:]
        for source in sources {
            try forEachRecord(source.data, name: source.name, format: source.format) { (raw, loc) throws(ImportError) in
                let entry = try validator.entry(from: raw, at: loc, warnings: &warnings)
                if let first = seen[entry.id] {
                    throw .invalidField(loc, field: "id", reason: "duplicate id \"\(entry.id)\" (first at \(first))")
                }
                seen[entry.id] = loc
                entries.append(entry)
            }
        }
        return Result(entries: entries, warnings: warnings)
    }

    /// Reads files from disk by path.
    public func read(paths: [String]) throws(ImportError) -> Result {
        var sources: [(name: String, data: Data, format: EntryFileFormat)] = []
        for path in paths {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw .unreadable(source: path, reason: "cannot read the file (\(Self.describe(error)))")
            }
            sources.append((path, data, EntryFileFormat.detect(path: path, data: data)))
        }
        return try read(sources)
    }

    /// What a lenient read of one file found: the valid entries, and every broken record with its reason.
    public struct LenientResult: Sendable {
        public var entries: [Entry]
        /// One error per broken record (file, record or line, field, reason); the record was left out.
        public var problems: [ImportError]
        public var warnings: [ImportWarning]
    }

    /// Reads one file record by record for a watched folder: a broken record is reported and left out while
    /// the valid records of the same file are kept. A file that cannot be parsed as a whole — including JSON
    /// Lines whose last line is cut off without a line break, as when the file is still being written —
    /// throws, so nothing of it is taken.
    public func readLeniently(_ data: Data, name: String, format: EntryFileFormat) throws(ImportError) -> LenientResult {
        var result = LenientResult(entries: [], problems: [], warnings: [])
        var seen: [String: RecordLocation] = [:]
        let unterminatedLastLine = data.last.map { $0 != 0x0A } ?? false
        let lastLine = data.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        try forEachRecord(data, name: name, format: format, invalidLine: { (error) throws(ImportError) in
            if case .invalidRecord(let loc, _) = error, unterminatedLastLine, loc.position == .line(lastLine) {
                throw .unreadable(source: name, reason: "line \(lastLine) is cut off (the file may still be being written); it is read again when it changes")
            }
            result.problems.append(error)
        }) { (raw, loc) throws(ImportError) in
            do throws(ImportError) {
                let entry = try validator.entry(from: raw, at: loc, warnings: &result.warnings)
                if let first = seen[entry.id] {
                    throw ImportError.invalidField(loc, field: "id", reason: "duplicate id \"\(entry.id)\" (first at \(first))")
                }
                seen[entry.id] = loc
                result.entries.append(entry)
            } catch {
                result.problems.append(error)
            }
        }
        return result
    }

    /// Calls `body` with every record of a file. A JSON Lines line that is not JSON goes to `invalidLine`,
    /// which by default stops the read.
    func forEachRecord(_ data: Data, name: String, format: EntryFileFormat,
                       invalidLine: (ImportError) throws(ImportError) -> Void = { (e) throws(ImportError) in throw e },
                       _ body: (RawValue, RecordLocation) throws(ImportError) -> Void) throws(ImportError) {
        switch format {
        case .jsonLines:
            var lineNumber = 0
            var failure: ImportError?
            data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                let bytes = raw.bindMemory(to: UInt8.self)
                var start = 0
                while start <= bytes.count, failure == nil {
                    var end = start
                    while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                    lineNumber += 1
                    let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    start = end + 1
                    if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                    let loc = RecordLocation(source: name, position: .line(lineNumber))
                    do {
                        switch JSONReader.parse(line) {
                        case .success(let value): try body(value, loc)
                        case .failure(let e): try invalidLine(.invalidRecord(loc, reason: "not valid JSON (column \(e.column): \(e.reason))"))
                        }
                    } catch let e as ImportError {
                        failure = e
                    } catch {
                        failure = .invalidRecord(loc, reason: "\(error)")
                    }
                }
            }
            if let failure { throw failure }
        case .json, .yaml:
            let root: RawValue
            do {
                if format == .json {
                    root = try RawValue.parseJSON(data)
                } else {
                    guard let text = String(data: data, encoding: .utf8) else {
                        throw ImportError.unreadable(source: name, reason: "is not UTF-8 text")
                    }
                    root = try RawValue.parseYAML(text)
                }
            } catch let error as ImportError {
                throw error
            } catch {
                throw .unreadable(source: name, reason: "not valid \(format == .json ? "JSON" : "YAML") (\(Self.describe(error)))")
            }
            let list: [RawValue]
            switch root {
            case .array(let items): list = items
            case .object(let o) where o["entries"] != nil:
                guard case .array(let items)? = o["entries"] else {
                    throw .unreadable(source: name, reason: "\"entries\" must be a list of entries")
                }
                list = items
            case .object: list = [root]
            case .null: list = []
            default: throw .unreadable(source: name, reason: "expected a list of entries, found \(root.typeName)")
            }
            for (i, item) in list.enumerated() { try body(item, RecordLocation(source: name, position: .record(i + 1))) }
        }
    }

    /// Parse errors of Foundation and Yams hide the useful part; show it.
    public static func describe(_ error: Error) -> String {
        if let e = error as? JSONSyntaxError { return e.description }
        let ns = error as NSError
        if let detail = ns.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return String(describing: error)
    }
}
