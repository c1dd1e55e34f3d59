import Foundation
import Mustache
import TepaiCore

/// A template that cannot be used, with the file and line an administrator must fix.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var reason: String

    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(reason)" }
}

/// Mustache templates from `Templates/`, with same-named files in an override folder taking precedence.
/// Every template is parsed at load time, so a broken one fails at start, never at send time.
public struct TemplateSet: Sendable {
    let templates: [String: MustacheTemplate]

    public init(directory: String, overrides: String? = nil) throws {
        var found: [String: MustacheTemplate] = [:]
        for dir in [directory, overrides].compactMap({ $0 }) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
                throw TemplateError(file: dir, line: nil, reason: "template folder not found")
            }
            for name in names.sorted() where name.hasSuffix(".mustache") {
                let path = (dir as NSString).appendingPathComponent(name)
                found[String(name.dropLast(".mustache".count))] = try Self.parse(file: path)
            }
        }
        templates = found
    }

    public init(strings: [String: String]) throws {
        var found: [String: MustacheTemplate] = [:]
        for (name, text) in strings { found[name] = try Self.parse(text, file: name) }
        templates = found
    }

    static func parse(file path: String) throws -> MustacheTemplate {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw TemplateError(file: path, line: nil, reason: "cannot read the file as UTF-8 text")
        }
        return try parse(text, file: path)
    }

    static func parse(_ text: String, file: String) throws -> MustacheTemplate {
        do { return try MustacheTemplate(string: text) } catch let e as MustacheTemplate.ParserError {
            throw TemplateError(file: file, line: e.context.lineNumber, reason: "\(e.error) near \"\(e.context.line.trimmingCharacters(in: .whitespaces))\"")
        } catch {
            throw TemplateError(file: file, line: nil, reason: "\(error)")
        }
    }


    /// Renders the variant made for a platform and format: `NAME.<platform>` (for example `.slack`), then
    /// `NAME.markdown` for markdown-like formats (WeCom and DingTalk markdown, DingTalk actionCard, Feishu
    /// card), then plain `NAME`.
    public func render(_ name: String, platform: Platform, format: String, _ context: [String: Any]) throws -> String {
        try render(variant(name, platform: platform, format: format), context)
    }

    public func variant(_ name: String, platform: Platform, format: String) -> String {
        let flavour = ["markdown", "actioncard", "card"].contains(format) ? "markdown" : "text"
        for candidate in ["\(name).\(platform.rawValue)", "\(name).\(flavour)"] where templates[candidate] != nil { return candidate }
        return name
    }

    /// The names of the loaded templates, for a start-up check that every required one is there.
    public var names: Set<String> { Set(templates.keys) }

    public func render(_ name: String, _ context: [String: Any]) throws -> String {
        guard let t = templates[name] else { throw TemplateError(file: "\(name).mustache", line: nil, reason: "template missing from the templates folder") }
        return t.render(context)
    }
}
