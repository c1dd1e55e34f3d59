import Foundation
import Testing
import TepaiCore

@Suite struct JSONReaderTests {
    func parse(_ s: String) throws -> RawValue { try JSONReader.parse(Data(s.utf8)) }

    @Test func readsEveryKindOfValue() throws {
        let v = try parse(#" {"a": "技术", "b": [1, -2.5e2, true, false, null], "c": {}} "#)
        #expect(v == .object(["a": .string("技术"), "b": .array([.number(1), .number(-250), .bool(true), .bool(false), .null]), "c": .object([:])]))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try parse(#""a\"b\\c\/d\n\t\u6280\u672f""#) == .string("a\"b\\c/d\n\t技术"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test func agreesWithFoundationOnTheSeedFiles() throws {
        var url = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { url.deleteLastPathComponent() }
        let data = try Data(contentsOf: url.appendingPathComponent("seeds/entries/b.json"))
        #expect(try JSONReader.parse(data) == RawValue(any: try JSONSerialization.jsonObject(with: data)))
    }

    @Test func errorsCarryLineAndColumn() {
        #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(Data("[1,\n  2,,]".utf8)) }
        do {
            _ = try JSONReader.parse(Data("[1,\n  2,,]".utf8))
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 5)
        }
        for bad in [#"{"a" 1}"#, #"[1 2]"#, #""abc"#, "tru", #"{"a":1}x"#, "\"\u{01}\"", #""\ud83d""#, "[" + String(repeating: "[", count: 70)] {
            #expect(throws: JSONSyntaxError.self, "\(bad)") { try JSONReader.parse(Data(bad.utf8)) }
        }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(Data([0x22, 0xFF, 0xFE, 0x22])) }
    }
}
