import Foundation
import Logging
import Testing
import TepaiCore
import TepaiDelivery

/// The transport's one multi handle: many transfers at once over few reused connections, per-transfer
/// timeouts, and cancellation, against raw local peers.
@Suite(.serialized) struct CurlMultiTests {
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [RawHTTPRequest] = []
        func add(_ r: RawHTTPRequest) { lock.withLock { items.append(r) } }
        var all: [RawHTTPRequest] { lock.withLock { items } }
    }

    @Test func manyConcurrentTransfersShareFewKeptAliveConnections() async throws {
        let log = Log()
        let peer = try await RawHTTPPeer { request in
            log.add(request)
            // Echo the message number, so every caller can check it got its own answer.
            let n = String(decoding: request.body.prefix(8), as: UTF8.self).trimmingCharacters(in: .whitespaces)
            return .answer(status: 200, body: #"{"n":"\#(n)"}"#)
        }
        let transport = CurlTransport(maxTransfers: 8)
        let url = "http://127.0.0.1:\(peer.port)/hook"
        // 2 KB bodies: over 1 KB curl would otherwise send "Expect: 100-continue" and wait for the peer.
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for n in 0..<300 {
                group.addTask {
                    let body = String(n).padding(toLength: 8, withPad: " ", startingAt: 0) + String(repeating: "x", count: 2048)
                    let reply = try await transport.send(HTTPRequestSpec(url: url, headers: [("Content-Type", "application/json")], body: Data(body.utf8)))
                    return (n, String(decoding: reply.body, as: UTF8.self))
                }
            }
            return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        await peer.stop()
        #expect(answers.count == 300)
        #expect(answers.allSatisfy { $0.value == #"{"n":"\#($0.key)"}"# })
        #expect(log.all.count == 300)
        #expect(log.all.allSatisfy { $0.header("Expect") == nil })
        // At most maxTransfers connections at once, each reused for many requests.
        #expect(peer.connections <= 8, "\(peer.connections) connections")
    }

    @Test func aSlowPeerTimesOutAndACancelledTransferStopsWhileOthersGoOn() async throws {
        let log = Log()
        let peer = try await RawHTTPPeer { request in
            log.add(request)
            return request.pathAndQuery == "/slow" ? .answer(status: 200, body: "{}", delayMs: 20_000) : .answer(status: 200, body: "{}")
        }
        var options = TransportOptions()
        options.totalTimeoutMs = 500
        let short = CurlTransport(options: options)
        let timedOut = await #expect(throws: TransportError.self) {
            _ = try await short.send(HTTPRequestSpec(url: "http://127.0.0.1:\(peer.port)/slow"))
        }
        #expect(timedOut?.isTimeout == true)

        options.totalTimeoutMs = 60_000
        let transport = CurlTransport(options: options)
        let slow = Task { try await transport.send(HTTPRequestSpec(url: "http://127.0.0.1:\(peer.port)/slow")) }
        // Wait until the peer holds the request, then cancel: the answer would come only after 20 s.
        while log.all.filter({ $0.pathAndQuery == "/slow" }).count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        let fast = try await transport.send(HTTPRequestSpec(url: "http://127.0.0.1:\(peer.port)/fast"))
        #expect(fast.status == 200)
        slow.cancel()
        await #expect(throws: CancellationError.self) { _ = try await slow.value }
        // The transport still works after a cancellation.
        #expect(try await transport.send(HTTPRequestSpec(url: "http://127.0.0.1:\(peer.port)/fast")).status == 200)
        await peer.stop()
    }

    /// Transfers beyond `maxTransfers` wait in the driver's queue, not inside curl, so their timeout starts
    /// when they start. (curl starts the clock when a handle is added: five one-second answers through one
    /// connection, all added at once, would see the fourth and fifth time out at three seconds.)
    @Test func queuedTransfersDoNotSpendTheirTimeoutWaiting() async throws {
        let peer = try await RawHTTPPeer { _ in .answer(status: 200, body: "{}", delayMs: 1_000) }
        var options = TransportOptions()
        options.totalTimeoutMs = 3_000
        let transport = CurlTransport(options: options, maxTransfers: 1)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<5 {
                group.addTask { try await transport.send(HTTPRequestSpec(url: "http://127.0.0.1:\(peer.port)/hook")).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        await peer.stop()
        #expect(statuses == [200, 200, 200, 200, 200])
        #expect(peer.connections == 1)
    }

    /// A send cancelled mid-transfer (the daemon shutting down) has an unknown outcome: retried later, never
    /// a dead letter.
    @Test func aCancelledDeliveryIsRetryableNotADeadLetter() async throws {
        let log = Log()
        let peer = try await RawHTTPPeer { log.add($0); return .answer(status: 200, body: #"{"errcode":0}"#, delayMs: 20_000) }
        let channel = ChannelConfig(name: "g", platform: .wecom, url: "http://127.0.0.1:\(peer.port)/cgi-bin/webhook/send?key=k", format: "text")
        let sender = ChannelSender(transport: CurlTransport(), logger: Logger(label: "t"))
        let sending = Task { await sender.send([MessageBlock("x")], title: "t", to: channel) }
        while log.all.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        sending.cancel()
        let attempts = await sending.value
        await peer.stop()
        #expect(attempts.map(\.outcome.code) == [-3])
        #expect(attempts.first.map { if case .retryable = $0.outcome { true } else { false } } == true)
    }
}

