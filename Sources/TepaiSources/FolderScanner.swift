import Crypto
import Foundation
import TepaiCore

/// Lists a watched folder's entry files and reads one file record by record, with the reader and validator
/// of `tepai import` (same schema, same errors).
public struct FolderScanner: Sendable {
    public static let extensions: Set<String> = ["json", "jsonl", "ndjson", "yaml", "yml"]

    public let reader: EntryBatchReader

    public init(validator: EntryValidator) {
        reader = EntryBatchReader(validator: validator)
    }

    /// The entry files directly in `folder`, sorted. Hidden files (editors' and copy tools' temporaries) are
    /// left alone.
    public func files(in folder: String) throws(SourceError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SourceError("folder \(folder) does not exist")
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw SourceError("cannot list folder \(folder): \(EntryBatchReader.describe(error))")
        }
        return names.filter { name in
            !name.hasPrefix(".") && Self.extensions.contains((name as NSString).pathExtension.lowercased())
        }.sorted().map { (folder as NSString).appendingPathComponent($0) }
    }

    /// The SHA-256 of a file's bytes: a file is read again only when this changes.
    public static func contentHash(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Valid entries and broken records of one file; throws when the file as a whole cannot be parsed.
    public func read(path: String, data: Data) throws(ImportError) -> EntryBatchReader.LenientResult {
        try reader.readLeniently(data, name: path, format: EntryFileFormat.detect(path: path, data: data))
    }
}
