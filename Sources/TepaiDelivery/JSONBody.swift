import Foundation

/// Writes the small JSON bodies of webhook requests straight into bytes. Every message goes through this, and
/// Foundation's JSONSerialization (bridging each value through `Any` and NSObject) was one of the larger
/// per-message costs of the outbox. Keys are sorted, slashes are not escaped, non-ASCII text stays UTF-8.
enum JSONBody {
    static func encode(_ object: [String: Any]) throws -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        try write(object, into: &out)
        return Data(out)
    }

    struct Unsupported: Error, CustomStringConvertible {
        var typeName: String
        var description: String { "cannot write a \(typeName) as JSON" }
    }

    private static func write(_ value: Any, into out: inout [UInt8]) throws {
        switch value {
        case let s as String: writeString(s, into: &out)
        case let b as Bool: out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case let i as Int: out.append(contentsOf: String(i).utf8)
        case let i as Int64: out.append(contentsOf: String(i).utf8)
        case let d as Double:
            guard d.isFinite else { throw Unsupported(typeName: "non-finite number") }
            out.append(contentsOf: (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)).utf8)
        case let object as [String: Any]:
            out.append(UInt8(ascii: "{"))
            for (n, key) in object.keys.sorted().enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                try write(object[key] as Any, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let array as [Any]:
            out.append(UInt8(ascii: "["))
            for (n, item) in array.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                try write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case Optional<Any>.none: out.append(contentsOf: Array("null".utf8))
        default: throw Unsupported(typeName: "\(type(of: value))")
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(byte)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
