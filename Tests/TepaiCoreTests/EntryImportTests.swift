import Foundation
import Testing
import TepaiCore

@Suite struct EntryImportTests {
    let reader = EntryBatchReader(validator: EntryValidator(knownRegions: TepaiConfig().knownRegions))

    func read(_ text: String, name: String = "in.json") throws(ImportError) -> EntryBatchReader.Result {
        let data = Data(text.utf8)
        return try reader.read([(name, data, EntryFileFormat.detect(path: name, data: data))])
    }

    func importError(_ text: String, name: String = "in.json") -> ImportError? {
        do {
            _ = try read(text, name: name)
            return nil
        } catch { return error }
    }

    @Test func readsAllThreeFormats() throws {
        let json = #"[{"id":"a","kind":"faq","title":"技术合同怎么登记","body":"到登记站办理。","tags":["技术合同"],"region":"","date":null,"url":null}]"#
        #expect(try read(json).entries.map(\.id) == ["a"])
        let jsonl = #"{"id":"a","kind":"faq","title":"t","body":"b"}"# + "\n\n" + #"{"id":"b","kind":"policy","title":"t","body":"b","region":"市级"}"#
        #expect(try read(jsonl, name: "in.jsonl").entries.map(\.id) == ["a", "b"])
        let yaml = """
            - id: t1
              kind: training
              title: 迁西县培训
              body: 果树冬季管理。
              region: 迁西县
              date: 2026-12-08
              starts_at: 2026-12-08T09:00
            """
        let e = try #require(try read(yaml, name: "in.yaml").entries.first)
        #expect(e.date?.description == "2026-12-08")
        #expect(e.startsAt?.description == "2026-12-08T09:00")
        #expect(e.region == "迁西县")
    }

    @Test func badFieldNamesFileRecordFieldAndReason() {
        let json = #"[{"id":"a","kind":"faq","title":"t","body":"b"},{"id":"b","kind":"question","title":"t","body":"b"}]"#
        let error = importError(json)
        #expect(error == .invalidField(RecordLocation(source: "in.json", position: .record(2)), field: "kind", reason: "\"question\" is not one of faq, policy, training, matching, notice"))
        #expect(error?.description.contains("in.json, record 2, field \"kind\"") == true)
    }

    @Test func jsonLinesErrorsNameTheLine() {
        let jsonl = #"{"id":"a","kind":"faq","title":"t","body":"b"}"# + "\n" + #"{"id":"b","kind":"faq","title":"t","body":"b","date":"2026-02-30"}"#
        guard case .invalidField(let loc, let field, _)? = importError(jsonl, name: "x.jsonl") else {
            Issue.record("expected a field error")
            return
        }
        #expect(loc.position == .line(2))
        #expect(field == "date")
    }

    @Test func requiredFieldsTypesAndLengthsAreChecked() {
        #expect(importError(#"[{"kind":"faq","title":"t","body":"b"}]"#)?.description.contains("\"id\": is required") == true)
        #expect(importError(#"[{"id":"a","kind":"faq","title":"  ","body":"b"}]"#)?.description.contains("must not be empty") == true)
        #expect(importError(#"[{"id":"a","kind":"faq","title":5,"body":"b"}]"#)?.description.contains("must be text") == true)
        #expect(importError(#"[{"id":"a b","kind":"faq","title":"t","body":"b"}]"#)?.description.contains("spaces") == true)
        let long = String(repeating: "长", count: 301)
        #expect(importError(#"[{"id":"a","kind":"faq","title":"\#(long)","body":"b"}]"#)?.description.contains("at most 300") == true)
        #expect(importError(#"[{"id":"a","kind":"faq","title":"t","body":"b","url":"ftp://x"}]"#)?.description.contains("http") == true)
        #expect(importError(#"[{"id":"a","kind":"training","title":"t","body":"b","starts_at":"2026-12-08T10:00","ends_at":"2026-12-08T09:00"}]"#)?.description.contains("before starts_at") == true)
    }

    @Test func unknownRegionSuggestsTheFullName() {
        let error = importError(#"[{"id":"a","kind":"faq","title":"t","body":"b","region":"迁西"}]"#)
        #expect(error?.description.contains("did you mean \"迁西县\"") == true)
    }

    @Test func duplicateIdsAcrossTheBatchAreRefused() {
        let json = #"[{"id":"a","kind":"faq","title":"t","body":"b"},{"id":"a","kind":"faq","title":"t2","body":"b"}]"#
        #expect(importError(json)?.description.contains("duplicate id \"a\" (first at in.json, record 1)") == true)
    }

    @Test func unknownFieldsWarnOrFailInStrictMode() throws {
        let json = #"[{"id":"a","kind":"faq","title":"t","body":"b","colour":"red"}]"#
        let lenient = try read(json)
        #expect(lenient.entries.count == 1)
        #expect(lenient.warnings.first?.message.contains("colour") == true)
        let strict = EntryBatchReader(validator: EntryValidator(knownRegions: [], strict: true))
        #expect(throws: ImportError.self) { try strict.read([("in.json", Data(json.utf8), .json)]) }
    }

    @Test func brokenJSONIsUnreadable() {
        guard case .unreadable(let source, _)? = importError("[{\"id\": ") else {
            Issue.record("expected unreadable")
            return
        }
        #expect(source == "in.json")
    }
}
