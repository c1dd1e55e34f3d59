import Foundation
import Testing
import TepaiDelivery

/// SIGHUP, as `systemctl reload tepai` sends it: channels, templates and the lexicon change under a running
/// daemon without dropping a question; a broken file changes nothing.
@Suite(.serialized) struct ReloadTests {
    static let token = "reload-test-token-5e1"

    func writeConfig(_ path: URL, db: String, overrides: String, lexicon: String, channels: [String]) throws {
        try ("""
            database: \(db)
            server: {host: 127.0.0.1, port: 0}
            admin_token: \(Self.token)
            query_rate_limit_per_minute: 0
            lexicon: \(lexicon)
            template_overrides: \(overrides)
            channels:

            """ + channels.map { "  - {name: \($0), platform: log}" }.joined(separator: "\n") + "\n")
            .write(to: path, atomically: true, encoding: .utf8)
    }

    @Test func sighupReloadsChannelsTemplatesAndLexiconWithoutDroppingQuestions() async throws {
        let (dir, db) = try CLI.seededDatabase(["seeds/entries/a.json"])
        let overrides = dir.appendingPathComponent("overrides")
        try FileManager.default.createDirectory(at: overrides, withIntermediateDirectories: true)
        let lexicon = dir.appendingPathComponent("lexicon.yaml")
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("config/lexicon.yaml"), to: lexicon)
        let config = dir.appendingPathComponent("tepai.yaml")
        try writeConfig(config, db: db, overrides: overrides.path, lexicon: lexicon.path, channels: ["city-a"])

        let err = Pipe()
        let p = try CLI.spawn(["serve", "--config", config.path], stderr: err)
        defer { if p.isRunning { p.terminate() } }
        let log = DaemonLog(err)
        let port = try #require(try await log.port(), "no listening line in: \(log.text)")
        let client = Client(port: port)

        // Questions keep coming in through every reload below; each must be answered.
        let asking = Task { () -> (answered: Int, failed: [String]) in
            var answered = 0, failed: [String] = []
            while !Task.isCancelled {
                do {
                    let r = try await client.get("/v1/query?q=" + Client.escape("技术合同怎么登记"))
                    if r.status == 200 { answered += 1 } else { failed.append("HTTP \(r.status)") }
                } catch is CancellationError {
                    break  // the test is over: the transport stops the request in flight, nothing was dropped
                } catch { failed.append("\(error)") }
            }
            return (answered, failed)
        }

        let invented = "甲乙丙丁"  // a nickname the shipped lexicon does not know
        let before = try await client.get("/v1/query?q=" + Client.escape(invented + "去哪"))
        #expect(before.text.contains("\"declined\":true"), "\(before.text)")

        // 1. A new channel, an answer template override and a new abbreviation; then SIGHUP.
        try writeConfig(config, db: db, overrides: overrides.path, lexicon: lexicon.path, channels: ["city-a", "county-b"])
        try "【重载后】{{#answer}}{{{title}}}{{/answer}}{{#declined}}没有找到。{{/declined}}\n"
            .write(to: overrides.appendingPathComponent("answer.mustache"), atomically: true, encoding: .utf8)
        var lexiconText = try String(contentsOf: lexicon, encoding: .utf8)
        lexiconText = lexiconText.replacingOccurrences(of: "abbreviations:\n", with: "abbreviations:\n  \(invented): [技术合同登记]\n")
        try lexiconText.write(to: lexicon, atomically: true, encoding: .utf8)
        kill(p.processIdentifier, SIGHUP)
        #expect(try await log.waitFor("settings reloaded"), "\(log.text)")

        let channels = try await client.get("/v1/channels", token: Self.token)
        #expect(channels.text.contains("county-b"), "\(channels.text)")
        let answer = try await client.get("/v1/query?q=" + Client.escape("技术合同怎么登记"))
        #expect(answer.text.contains("【重载后】"), "\(answer.text)")
        let abbreviated = try await client.get("/v1/query?q=" + Client.escape(invented + "去哪"))
        #expect(abbreviated.text.contains("\"declined\":false"), "\(abbreviated.text)")

        // 2. A broken template: the reload is refused with the file named, and the running settings stay.
        try "{{#answer}}{{{title}}}\n".write(to: overrides.appendingPathComponent("answer.mustache"), atomically: true, encoding: .utf8)
        try writeConfig(config, db: db, overrides: overrides.path, lexicon: lexicon.path, channels: ["city-a"])
        kill(p.processIdentifier, SIGHUP)
        #expect(try await log.waitFor("reload refused"), "\(log.text)")
        #expect(log.text.contains("answer.mustache"), "\(log.text)")
        #expect(try await client.get("/v1/channels", token: Self.token).text.contains("county-b"))
        #expect(try await client.get("/v1/query?q=" + Client.escape("技术合同怎么登记")).text.contains("【重载后】"))
        #expect(p.isRunning)

        asking.cancel()
        let (answered, failed) = await asking.value
        #expect(failed.isEmpty, "\(failed.prefix(5))")
        #expect(answered > 0)
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        print("reload test: \(answered) questions answered during two reloads, \(failed.count) failed")
    }
}
