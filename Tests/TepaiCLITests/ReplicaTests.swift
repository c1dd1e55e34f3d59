import Foundation
import Testing
import TepaiCore
import TepaiDelivery
import TepaiPostgres
import TepaiStore

/// Three `tepai serve` replicas on one PostgreSQL database and one set of webhook peers: a scheduled digest
/// and announcements posted to all three go out once each; a replica killed with SIGKILL in the middle of the
/// push loses nothing, and repeats at most what it had in flight.
@Suite(.serialized) struct ReplicaTests {
    static let channels = (1...12).map { String(format: "g%02d", $0) }
    static let token = "replica-test-token-0123456789"

    @Test func threeReplicasDeliverEachDigestAndAnnouncementOnceAndSurviveAKill() async throws {
        guard var url = try await PostgresServer.freshDatabase() else { return }
        // A short lease, so the killed replica's claims come back within the test.
        url.outboxLease = 5
        let peer = CountingPeer()
        try await peer.start(delayMs: 100)
        defer { peer.stop() }
        let dir = try CLI.tempDir()
        let dbURL = Self.text(url)
        let seeded = try await CLI.run(["import", "seeds/entries/a.json", "seeds/entries/b.json", "--db", dbURL])
        #expect(seeded.status == 0, "\(seeded.stderr)")
        let config = dir.appendingPathComponent("tepai.yaml")
        // One slot, five minutes ago, and the job last ran ten minutes ago: every replica finds that slot due as
        // soon as it starts, and no later slot falls inside the test (an every-minute cron would legitimately
        // compose a second round-up whenever the test crossed a minute).
        var shanghai = Calendar(identifier: .gregorian)
        shanghai.timeZone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let slot = shanghai.dateComponents([.hour, .minute], from: Date().addingTimeInterval(-300))
        let cron = "\(slot.minute ?? 0) \(slot.hour ?? 0) * * *"
        try ("database: \"\(dbURL)\"\nadmin_token: \(Self.token)\nserver: {host: 127.0.0.1, port: 0}\nchannels:\n" + Self.channels.map {
            "  - {name: \($0), platform: json, regions: [\"*\"], kinds: [policy, notice], url: \"http://127.0.0.1:\(peer.port)/hook/\($0)\"}"
        }.joined(separator: "\n") + """

            schedules:
              - {name: once, digest: policy, cron: "\(cron)", channels: ["*"], max_items: 40, days: 3650}

            """).write(to: config, atomically: true, encoding: .utf8)
        let store = PostgresStore(url: url, logger: PostgresServer.logger)
        #expect(try await store.makeLedger().advance(job: "once", from: nil, to: Date().addingTimeInterval(-600)))

        var replicas: [(process: Process, log: DaemonLog, port: Int)] = []
        for _ in 0..<3 {
            let pipe = Pipe()
            let p = try CLI.spawn(["serve", "--config", config.path], stderr: pipe)
            let log = DaemonLog(pipe)
            let port = try #require(try await log.port(), "a replica did not start: \(log.text)")
            replicas.append((p, log, port))
        }
        defer { for r in replicas where r.process.isRunning { r.process.terminate() } }

        // Announcements through the admin APIs of replicas 1 and 2, while the digest is being pushed; meanwhile
        // replica 3 is killed once it holds claims and part of the push has arrived.
        let ports = [replicas[0].port, replicas[1].port]
        let posting = Task {
            let curl = CurlTransport()
            var failures: [String] = []
            for n in 1...30 {
                let entry = """
                    {"id": "ann-\(n)", "kind": "notice", "title": "通知第\(n)号：高企认定材料补报", "body": "请于本周五前补报第\(n)批材料。",
                     "region": "市级", "date": "2026-11-23"}
                    """
                let r = try await curl.send(HTTPRequestSpec(
                    url: "http://127.0.0.1:\(ports[n % 2])/v1/announcements",
                    headers: [("Authorization", "Bearer \(Self.token)"), ("Content-Type", "application/json")], body: Data(entry.utf8)))
                if r.status != 200 { failures.append("announcement \(n): \(r.status) \(String(decoding: r.body, as: UTF8.self))") }
            }
            return failures
        }
        let victimPID = replicas[2].process.processIdentifier
        let deadline = Date().addingTimeInterval(30)
        var victim: Int?
        while victim == nil, Date() < deadline {
            try await Task.sleep(for: .milliseconds(2))
            guard peer.total >= 40 else { continue }
            let held = try await store.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sending' AND claimed_by LIKE '%-\(victimPID)-%'")
            if held > 0 { victim = 2 }
        }
        let killed = try #require(victim, "no replica held a claim after \(peer.total) deliveries")
        let pid = replicas[killed].process.processIdentifier
        kill(pid, SIGKILL)
        replicas[killed].process.waitUntilExit()
        #expect(replicas[killed].process.terminationReason == .uncaughtSignal)
        let arrivedAtKill = peer.total
        let inFlight = try await store.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sending' AND claimed_by LIKE '%-\(pid)-%'")
        #expect(inFlight > 0, "the killed replica held nothing")
        #expect(try await posting.value == [])

        // The survivors finish, including the killed one's claims once their lease runs out.
        let settle = Date().addingTimeInterval(90)
        var queued = 0, delivered = 0, runs = 0
        repeat {
            try await Task.sleep(for: .milliseconds(200))
            // In this order: a round-up's run row and its messages commit together, so once all runs are seen,
            // the count of queued messages that follows includes every part.
            runs = try await store.scalar("SELECT COUNT(DISTINCT channel) FROM digest_runs")
            queued = try await store.scalar("SELECT COUNT(*) FROM outbox")
            delivered = try await store.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'delivered'")
        } while (runs < Self.channels.count || delivered < queued) && Date() < settle
        for r in replicas where r.process.isRunning {
            r.process.terminate()
            r.process.waitUntilExit()
            #expect(r.process.terminationStatus == 0, "\(r.log.text.suffix(2000))")
        }

        // One round-up per channel, composed once; 30 announcements to each channel.
        let perChannel = try await store.texts("SELECT channel || ' ' || period FROM digest_runs ORDER BY 1").map { $0[0] }
        #expect(perChannel.count == Self.channels.count, "round-ups: \(perChannel)")
        let digestParts = try await store.scalar("SELECT COALESCE(SUM(parts), 0)::bigint FROM digest_runs")
        #expect(queued == digestParts + 30 * Self.channels.count, "queued \(queued), digest parts \(digestParts)")
        let outbox = try await store.makeOutbox().counts()
        #expect(outbox == [.delivered: queued], "\(outbox)")
        // Nothing lost: every queued message reached its group; repeats only of what the killed one had in flight.
        let counts = peer.counts
        #expect(counts.count == queued, "\(counts.count) distinct messages arrived of \(queued) queued")
        let duplicates = counts.values.reduce(0) { $0 + $1 - 1 }
        #expect(duplicates <= inFlight)
        // The logs name the database with its password masked.
        for r in replicas {
            #expect(r.log.text.contains("postgres://\(url.user):***@"), "\(r.log.text.prefix(1500))")
            #expect(!r.log.text.contains(url.password ?? "?"))
        }
        print("""
            replica test: 3 replicas, \(queued) messages (\(digestParts) digest parts, \(30 * Self.channels.count) announcement \
            messages) to \(Self.channels.count) groups; killed replica \(killed + 1) after \(arrivedAtKill) arrivals with \(inFlight) \
            in flight; \(duplicates) duplicate(s)
            """)
    }

    /// The URL as written in the config (password included: the test server's throwaway one).
    static func text(_ url: PostgresURL) -> String {
        "postgres://\(url.user)\(url.password.map { ":" + $0 } ?? "")@\(url.host):\(url.port)/\(url.database)?sslmode=disable&outbox_lease=\(Int(url.outboxLease))"
    }
}
