import Foundation
import Yams

/// Reads docs/openapi.yaml and checks bodies against it: `$ref`, `type` (with "null"), `required`,
/// `properties`, `additionalProperties`, `items`, `enum` and `oneOf` — what the document uses.
struct OpenAPIChecker: @unchecked Sendable {  // immutable after init
    let doc: [String: Any]

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        doc = try (Yams.load(yaml: text) as? [String: Any]) ?? [:]
    }

    /// "GET /v1/entries/{id}" for every documented operation.
    var operations: Set<String> {
        let paths = doc["paths"] as? [String: Any] ?? [:]
        var ops: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys where ["get", "post", "put", "delete", "patch"].contains(method) {
                ops.insert("\(method.uppercased()) \(path)")
            }
        }
        return ops
    }

    func resolve(_ node: Any?) -> [String: Any] {
        guard var object = node as? [String: Any] else { return [:] }
        while let ref = object["$ref"] as? String {
            var target: Any? = doc
            for key in ref.dropFirst(2).split(separator: "/") { target = (target as? [String: Any])?[String(key)] }
            object = target as? [String: Any] ?? [:]
        }
        return object
    }

    /// Problems with a response: an undocumented status, or a JSON body that does not fit its schema.
    func check(_ operation: String, status: Int, body: Data) -> [String] {
        let parts = operation.split(separator: " ", maxSplits: 1).map(String.init)
        let item = resolve((doc["paths"] as? [String: Any])?[parts[1]])
        let op = resolve(item[parts[0].lowercased()])
        guard !op.isEmpty else { return ["\(operation) is not documented"] }
        guard let response = (op["responses"] as? [String: Any])?[String(status)] else {
            return ["\(operation): status \(status) is not documented"]
        }
        let resolved = resolve(response)
        guard let schema = ((resolved["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] else { return [] }
        guard let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
            return ["\(operation) \(status): body is not JSON: \(String(decoding: body.prefix(200), as: UTF8.self))"]
        }
        return validate(value, schema, at: "\(operation) \(status) $")
    }

    func validate(_ value: Any, _ schemaNode: Any, at path: String) -> [String] {
        let schema = resolve(schemaNode)
        if let options = schema["oneOf"] as? [Any] {
            return options.contains { validate(value, $0, at: path).isEmpty } ? [] : ["\(path): fits none of oneOf"]
        }
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { "\($0)" == "\(value)" }) {
            return ["\(path): \(value) is not one of \(allowed)"]
        }
        let types: [String] = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !types.isEmpty, !types.contains(where: { Self.matches(value, $0) }) {
            return ["\(path): \(type(of: value)) \(String(describing: value).prefix(60)) is not \(types)"]
        }
        var problems: [String] = []
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { problems.append("\(path): missing \"\(key)\"") }
            for (key, child) in object {
                if let s = properties[key] {
                    problems += validate(child, s, at: "\(path).\(key)")
                } else if let extra = schema["additionalProperties"] {
                    if extra as? Bool == false { problems.append("\(path): undocumented key \"\(key)\"") }
                    else if extra is [String: Any] { problems += validate(child, extra, at: "\(path).\(key)") }
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] {
            for (i, element) in array.enumerated() { problems += validate(element, items, at: "\(path)[\(i)]") }
        }
        return problems
    }

    static func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "boolean":
            guard let n = value as? NSNumber else { return false }
            return isBool(n)
        case "integer":
            guard let n = value as? NSNumber, !isBool(n) else { return false }
            return n.doubleValue.rounded() == n.doubleValue
        case "number":
            guard let n = value as? NSNumber else { return false }
            return !isBool(n)
        default: return true
        }
    }

    /// JSONSerialization gives true/false as NSNumbers of type "c"; JSON numbers never come out so.
    static func isBool(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }
}
