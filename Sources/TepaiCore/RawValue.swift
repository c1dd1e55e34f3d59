import Foundation
import Yams

/// A parsed JSON or YAML value before validation, so that every format is checked by the same code
/// and errors can name the field and say what was found there.
public enum RawValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([RawValue])
    case object([String: RawValue])

    /// Converts the `Any` trees of JSONSerialization and Yams.
    public init(any value: Any?) {
        guard let value, !(value is NSNull) else {
            self = .null
            return
        }
        switch value {
        case let s as String: self = .string(s)
        case let b as Bool where type(of: value) == Bool.self: self = .bool(b)
        case let n as NSNumber:
            // JSONSerialization hands booleans over as NSNumber of ObjC type "c".
            self = String(cString: n.objCType) == "c" ? .bool(n.boolValue) : .number(n.doubleValue)
        case let i as Int: self = .number(Double(i))
        case let d as Double: self = .number(d)
        case let a as [Any]: self = .array(a.map { RawValue(any: $0) })
        case let o as [String: Any]: self = .object(o.mapValues { RawValue(any: $0) })
        case let o as [AnyHashable: Any]:
            var out: [String: RawValue] = [:]
            for (k, v) in o { out[String(describing: k.base)] = RawValue(any: v) }
            self = .object(out)
        default: self = .string(String(describing: value))
        }
    }

    /// What a value is, in words an administrator reads in an error.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "true/false"
        case .number: "a number"
        case .string: "text"
        case .array: "a list"
        case .object: "an object"
        }
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var objectValue: [String: RawValue]? { if case .object(let o) = self { o } else { nil } }
    public var isNull: Bool { self == .null }

    /// Parses JSON text into a tree.
    public static func parseJSON(_ data: Data) throws -> RawValue {
        try JSONReader.parse(data)
    }

    /// Parses YAML text into a tree. Dates stay text (no timestamp resolution) so that validation sees what
    /// the administrator wrote.
    public static func parseYAML(_ text: String) throws -> RawValue {
        do { return RawValue(any: try Yams.load(yaml: text, Resolver.default.removing(.timestamp))) } catch {
            throw YAMLSyntaxError(description: Self.shortYAMLError(error))
        }
    }

    /// Yams quotes the whole document as context; keep the problem and where it is.
    static func shortYAMLError(_ error: Error) -> String {
        let lines = String(describing: error).split(separator: "\n", omittingEmptySubsequences: true)
        guard let first = lines.first else { return "\(error)" }
        let place = lines.last(where: { $0.contains("line ") && $0.contains("column") }).map { " (\($0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: ")"))))" } ?? ""
        return String(first) + place
    }
}

extension String {
    /// Trims whitespace and newlines without a round trip through NSString (hot in large imports).
    public var trimmedFast: String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        if !first.properties.isWhitespace && !last.properties.isWhitespace { return self }
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }
}

/// A YAML file that cannot be parsed: the problem and its line and column.
public struct YAMLSyntaxError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
