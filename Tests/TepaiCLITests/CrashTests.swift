import Foundation
import Hummingbird
import Testing
import TepaiCore
import TepaiStore

/// A JSON-webhook peer that takes a little time per message and counts what it accepted.
final class CountingPeer: @unchecked Sendable {
    private let lock = NSLock()
    private var accepted: [String: Int] = [:]
    private var task: Task<Void, Error>?
    private(set) var port = 0
    var counts: [String: Int] { lock.withLock { accepted } }
    var total: Int { lock.withLock { accepted.values.reduce(0, +) } }

    func start(delayMs: Int) async throws {
        let router = Router()
        // `/hook` counts by text; `/hook/NAME` by channel name and text, for many channels on one peer.
        let accept: @Sendable (Request, String) async throws -> Response = { request, prefix in
            let body = try await request.body.collect(upTo: 1 << 20)
            try await Task.sleep(for: .milliseconds(delayMs))
            if let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any], let text = json["text"] as? String {
                self.lock.withLock { self.accepted[prefix + text, default: 0] += 1 }
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        router.post("/hook") { request, _ in try await accept(request, "") }
        router.post("/hook/:channel") { request, context in try await accept(request, (context.parameters.get("channel") ?? "") + "|") }
        (port, task) = await runLocalServer(router)
    }

    func stop() { task?.cancel() }
}

@Suite(.serialized) struct CrashTests {
    @Test func killDashNineMidPushLosesNothingAndRepeatsAtMostTheInFlight() async throws {
        let peer = CountingPeer()
        try await peer.start(delayMs: 15)
        defer { peer.stop() }
        let dir = try CLI.tempDir()
        let db = dir.appendingPathComponent("t.sqlite").path
        let channels = (1...4).map { "c\($0)" }
        do {
            let outbox = SQLiteOutbox(store: try SQLiteStore(path: db))
            var messages: [OutboxMessage] = []
            for c in channels {
                for n in 1...150 {
                    messages.append(OutboxMessage(idempotencyKey: "\(c)-\(n)", channel: c, title: "t", content: "\(c)#\(n)", url: nil,
                                                  part: 1, parts: 1, now: Date().timeIntervalSince1970))
                }
            }
            #expect(try await outbox.enqueue(messages) == 600)
        }
        let config = dir.appendingPathComponent("tepai.yaml")
        try ("database: \(db)\nchannels:\n" + channels.map {
            "  - {name: \($0), platform: json, url: \"http://127.0.0.1:\(peer.port)/hook\"}"
        }.joined(separator: "\n") + "\n").write(to: config, atomically: true, encoding: .utf8)

        let p = try CLI.spawn(["outbox", "run", "--config", config.path])
        let deadline = Date().addingTimeInterval(30)
        while peer.total < 150, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)
        let beforeRestart = peer.total
        #expect(beforeRestart >= 150 && beforeRestart < 600, "killed too late to test anything: \(beforeRestart)")

        let inFlight = try await SQLiteOutbox(store: try SQLiteStore(path: db)).counts()[.sending] ?? 0
        let restart = try await CLI.run(["outbox", "run", "--config", config.path])
        #expect(restart.status == 0, "\(restart.stderr)")
        #expect(restart.stdout.contains("delivered 600, pending 0, dead 0"), "\(restart.stdout)")

        let counts = peer.counts
        #expect(counts.count == 600)                              // nothing lost
        let duplicates = counts.values.reduce(0) { $0 + $1 - 1 }
        #expect(duplicates <= inFlight)                          // at most the messages in flight at the kill
        print("crash test: \(beforeRestart) delivered before kill -9, \(inFlight) in flight, \(duplicates) duplicate(s) after restart")
    }
}
