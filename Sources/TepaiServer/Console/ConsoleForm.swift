import Foundation

/// The fields of a submitted form: `application/x-www-form-urlencoded`, or `multipart/form-data` with
/// uploaded files. A repeated field keeps its first value.
struct ConsoleForm: Sendable {
    var fields: [String: String] = [:]
    var files: [String: (name: String, data: Data)] = [:]

    subscript(_ name: String) -> String { fields[name] ?? "" }

    /// The field without surrounding white space.
    func trimmed(_ name: String) -> String { self[name].trimmingCharacters(in: .whitespacesAndNewlines) }

    init() {}

    init(contentType: String, body: Data) {
        let lower = contentType.lowercased()
        if lower.hasPrefix("multipart/form-data"), let boundary = Self.boundary(contentType) {
            parseMultipart(body, boundary: boundary)
        } else {
            fields = Self.parseURLEncoded(String(decoding: body, as: UTF8.self))
        }
    }

    static func parseURLEncoded(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            let key = decode(kv[0])
            if out[key] == nil { out[key] = kv.count > 1 ? decode(kv[1]) : "" }
        }
        return out
    }

    static func boundary(_ contentType: String) -> String? {
        for param in contentType.split(separator: ";").dropFirst() {
            let kv = param.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0].lowercased() == "boundary" { return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    /// Splits the body on `--boundary`; each part is headers, a blank line, then its bytes.
    private mutating func parseMultipart(_ body: Data, boundary: String) {
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        var starts: [Int] = []
        var i = 0
        while let found = Self.find(delimiter, in: bytes, from: i) {
            starts.append(found)
            i = found + delimiter.count
        }
        for (n, start) in starts.enumerated() where n + 1 < starts.count {
            var partStart = start + delimiter.count
            // Skip the line break after the delimiter; the part ends before the CRLF preceding the next one.
            if partStart + 1 < bytes.count, bytes[partStart] == 0x0D, bytes[partStart + 1] == 0x0A { partStart += 2 }
            var partEnd = starts[n + 1]
            if partEnd >= 2, bytes[partEnd - 2] == 0x0D, bytes[partEnd - 1] == 0x0A { partEnd -= 2 }
            guard partStart <= partEnd else { continue }
            let part = Array(bytes[partStart..<partEnd])
            guard let split = Self.find(Array("\r\n\r\n".utf8), in: part, from: 0) else { continue }
            let headers = String(decoding: part[0..<split], as: UTF8.self)
            let content = Data(part[(split + 4)...])
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }) else { continue }
            guard let name = Self.parameter("name", in: String(disposition)) else { continue }
            if let filename = Self.parameter("filename", in: String(disposition)) {
                if files[name] == nil { files[name] = (filename, content) }
            } else if fields[name] == nil {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
        }
    }

    static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let kv = piece.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == key { return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var i = from
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
