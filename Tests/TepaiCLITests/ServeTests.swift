import Foundation
import Testing
import TepaiDelivery
import TepaiStore

/// `tepai serve` as systemd runs it: starts, answers, and stops cleanly on SIGTERM.
@Suite(.serialized) struct ServeTests {
    @Test func answersThenStopsCleanlyOnSIGTERM() async throws {
        let (dir, db) = try CLI.seededDatabase(["seeds/entries/a.json"])
        let config = dir.appendingPathComponent("tepai.yaml")
        try """
            database: \(db)
            server: {host: 127.0.0.1, port: 0}
            """.write(to: config, atomically: true, encoding: .utf8)

        let err = Pipe()
        let p = try CLI.spawn(["serve", "--config", config.path], stderr: err)
        defer { if p.isRunning { p.terminate() } }

        let log = DaemonLog(err)
        let bound = try #require(try await log.port(), "no listening line in: \(log.text)")
        let q = "技术合同怎么登记".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
        let reply = try await CurlTransport().send(HTTPRequestSpec(method: "GET", url: "http://127.0.0.1:\(bound)/v1/query?q=\(q)"))
        #expect(reply.status == 200)
        #expect(String(decoding: reply.body, as: UTF8.self).contains("\"declined\":false"))

        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit)
        #expect(p.terminationStatus == 0, "\(log.text)")
        #expect(try await log.waitFor("tepai stopped", seconds: 5), "\(log.text)")
    }
}

extension ServeTests {
    @Test func theDaemonDeliversWhatTheOutboxHolds() async throws {
        let peer = CountingPeer()
        try await peer.start(delayMs: 1)
        defer { peer.stop() }
        let dir = try CLI.tempDir()
        let db = dir.appendingPathComponent("t.sqlite").path
        do {
            let outbox = SQLiteOutbox(store: try SQLiteStore(path: db))
            let messages = (1...5).map {
                OutboxMessage(idempotencyKey: "k\($0)", channel: "hook", title: "t", content: "第\($0)条", url: nil, part: 1, parts: 1,
                              now: Date().timeIntervalSince1970)
            }
            #expect(try await outbox.enqueue(messages) == 5)
        }
        let config = dir.appendingPathComponent("tepai.yaml")
        try """
            database: \(db)
            server: {host: 127.0.0.1, port: 0}
            channels:
              - {name: hook, platform: json, url: "http://127.0.0.1:\(peer.port)/hook"}
            """.write(to: config, atomically: true, encoding: .utf8)
        let p = try CLI.spawn(["serve", "--config", config.path])
        defer { if p.isRunning { p.terminate() } }
        let deadline = Date().addingTimeInterval(30)
        while peer.total < 5, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(peer.counts.count == 5)
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(try await SQLiteOutbox(store: try SQLiteStore(path: db)).counts()[.delivered] == 5)
    }
}
