import Foundation
import Testing

/// Runs the built `tepai` binary as a user would.
struct CLI {
    static var binary: URL {
        // The test bundle lives in the same build folder as the executable.
        let dir = Bundle.main.bundleURL.deletingLastPathComponent()
        let direct = dir.appendingPathComponent("tepai")
        if FileManager.default.fileExists(atPath: direct.path) { return direct }
        return Bundle.main.bundleURL.appendingPathComponent("tepai")
    }

    /// The repository root, so that the default config, lexicon and templates are found.
    static var root: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ args: [String], stdin: String? = nil) throws -> Run {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.currentDirectoryURL = root
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// The same for async tests: the wait happens on its own thread, never on the cooperative pool, so
    /// in-process peers (Hummingbird handlers run there) keep answering while the binary talks to them.
    static func run(_ args: [String], stdin: String? = nil) async throws -> Run {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Run, Error>) in
            Thread.detachNewThread {
                do { done.resume(returning: try Self.run(args, stdin: stdin) as Run) } catch { done.resume(throwing: error) }
            }
        }
    }

    /// A new folder with a database holding the given seed files' entries.
    static func seededDatabase(_ files: [String]) throws -> (dir: URL, db: String) {
        let dir = try tempDir()
        let db = dir.appendingPathComponent("t.sqlite").path
        let run = try CLI.run(["import"] + files + ["--db", db])
        guard run.status == 0 else { throw CLIError(message: "seeding failed: \(run.stderr)") }
        return (dir, db)
    }

    /// Starts `tepai ARGS` in the background, output discarded unless a pipe is given.
    static func spawn(_ args: [String], stderr: Pipe? = nil) throws -> Process {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.currentDirectoryURL = root
        p.standardOutput = FileHandle.nullDevice
        p.standardError = stderr ?? FileHandle.nullDevice
        try p.run()
        return p
    }

    struct CLIError: Error { var message: String }

    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

@Suite(.serialized) struct CLITests {
    @Test func badRecordAmongGoodOnesChangesNothingAtAll() throws {
        let dir = try CLI.tempDir()
        let db = dir.appendingPathComponent("t.sqlite").path
        let seeded = try CLI.run(["import", "seeds/entries/a.json", "--db", db])
        #expect(seeded.status == 0, "\(seeded.stderr)")
        // Let SQLite fold its WAL into the main file so the bytes on disk are the whole database.
        let files = { () -> [String: Data] in
            var out: [String: Data] = [:]
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] {
                out[name] = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path)
            }
            return out
        }
        let before = files()

        var records: [String] = []
        for i in 0..<500 { records.append(#"{"id":"gen-\#(i)","kind":"faq","title":"问题\#(i)","body":"回答\#(i)。"}"#) }
        records[321] = #"{"id":"gen-321","kind":"faq","title":"问题","body":"回答","date":"2026-13-01"}"#
        let bad = try CLI.tempDir().appendingPathComponent("batch.jsonl")
        try records.joined(separator: "\n").write(to: bad, atomically: true, encoding: .utf8)

        let run = try CLI.run(["import", bad.path, "--db", db])
        #expect(run.status == 1)
        #expect(run.stderr.contains("batch.jsonl, line 322, field \"date\""), "\(run.stderr)")
        #expect(files() == before)
    }

    @Test func importReportsAddedAndUpdated() throws {
        let dir = try CLI.tempDir()
        let db = dir.appendingPathComponent("t.sqlite").path
        let file = dir.appendingPathComponent("e.json")
        try #"[{"id":"a","kind":"faq","title":"技术合同怎么登记","body":"到登记站办理。"}]"#.write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", file.path, "--db", db]).stdout.contains("1 added, 0 updated"))
        try #"[{"id":"a","kind":"faq","title":"技术合同怎么登记","body":"到市登记站办理。"},{"id":"b","kind":"faq","title":"t","body":"b"}]"#.write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", file.path, "--db", db]).stdout.contains("1 added, 1 updated"))
        let shown = try CLI.run(["entries", "show", "a", "--db", db])
        #expect(shown.stdout.contains("到市登记站办理"))
        #expect(try CLI.run(["entries", "show", "nope", "--db", db]).status == 1)
    }

    @Test func queryJSONFollowsTheContract() throws {
        let dir = try CLI.tempDir()
        let db = dir.appendingPathComponent("t.sqlite").path
        #expect(try CLI.run(["import", "seeds/entries/a.json", "seeds/entries/b.json", "--db", db]).status == 0)
        let run = try CLI.run(["query", "技术合同在哪里登记", "--json", "--db", db, "--now", "2026-11-23"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["query", "declined", "results", "answer"])
        #expect(object["declined"] as? Bool == false)
        let results = try #require(object["results"] as? [[String: Any]])
        #expect(!results.isEmpty)
        #expect(Set(results[0].keys) == ["id", "score", "title", "kind"])
        let scores = results.compactMap { $0["score"] as? Double }
        #expect(scores == scores.sorted(by: >))

        let none = try CLI.run(["query", "驾驶证到期怎么换证", "--json", "--db", db, "--now", "2026-11-23"])
        let declined = try #require(try JSONSerialization.jsonObject(with: Data(none.stdout.utf8)) as? [String: Any])
        #expect(declined["declined"] as? Bool == true)
        #expect((declined["results"] as? [Any])?.isEmpty == true)
        #expect((declined["answer"] as? String)?.contains("0315-0000000") == true)

        // --tune shows what a constant does to one question: an impossible coverage bar declines it; a bad name is an error.
        let strict = try CLI.run(["query", "技术合同在哪里登记", "--json", "--db", db, "--now", "2026-11-23", "--tune", "minCoverage=1.01", "--tune", "minCoverageWithPhrase=1.01"])
        let strictObject = try #require(try JSONSerialization.jsonObject(with: Data(strict.stdout.utf8)) as? [String: Any])
        #expect(strictObject["declined"] as? Bool == true)
        let bad = try CLI.run(["query", "技术合同在哪里登记", "--db", db, "--tune", "noSuchConstant=1"])
        #expect(bad.status != 0 && bad.stderr.contains("noSuchConstant"))
    }

    @Test func batchKeepsOrderOneObjectPerLine() throws {
        let dir = try CLI.tempDir()
        let db = dir.appendingPathComponent("t.sqlite").path
        #expect(try CLI.run(["import", "seeds/entries/a.json", "--db", db]).status == 0)
        let questions = ["高企认定条件", "驾驶证到期怎么换证", "加计扣除比例"]
        let run = try CLI.run(["query", "--batch", "-", "--db", db], stdin: questions.joined(separator: "\n") + "\n")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        let echoed = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["query"] as? String }
        #expect(echoed == questions)
    }

    @Test func badInputExitsOneWithTheReason() throws {
        #expect(try CLI.run(["query", "x", "--now", "2026-13-40"]).status == 1)
        #expect(try CLI.run(["import", "/nonexistent/file.json", "--db", "/tmp/none.sqlite"]).stderr.contains("/nonexistent/file.json"))
        #expect(try CLI.run(["frobnicate"]).status == 1)
        let dir = try CLI.tempDir()
        let cfg = dir.appendingPathComponent("c.yaml")
        try "colour: red\n".write(to: cfg, atomically: true, encoding: .utf8)
        let run = try CLI.run(["query", "x", "--config", cfg.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\"colour\""))
    }
}
