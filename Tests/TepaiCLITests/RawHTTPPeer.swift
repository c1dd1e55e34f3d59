import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One request as a raw peer saw it: the request target is kept verbatim, so a proxy sees the absolute form
/// (`POST http://host:port/path`).
struct RawHTTPRequest: Sendable {
    var method: String
    var target: String
    var headers: [(String, String)]
    var body: Data

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }

    /// The path and query of the target, whether it came in origin or absolute form.
    var pathAndQuery: String {
        guard let scheme = target.range(of: "://") else { return target }
        return target[scheme.upperBound...].firstIndex(of: "/").map { String(target[$0...]) } ?? "/"
    }

    func query(_ name: String) -> String? {
        URLComponents(string: pathAndQuery)?.queryItems?.first { $0.name == name }?.value
    }
}

/// What a raw peer does with a request.
enum RawHTTPAction: Sendable {
    /// Answer with this status and JSON body, after `delayMs` (0 = at once).
    case answer(status: Int, body: String, delayMs: Int = 0)
    /// Close the TCP connection without a byte of answer (a connection reset, as the client sees it).
    case close
}

/// A plain SwiftNIO HTTP/1.1 server on 127.0.0.1 whose every answer is decided by a closure. Used where a
/// Hummingbird router cannot behave: dropping connections mid-request and receiving proxy-form requests.
final class RawHTTPPeer: Sendable {
    private let channel: any Channel
    private let accepted = ConnectionCounter()
    let port: Int

    /// TCP connections accepted so far (kept-alive connections are reused, so fewer than requests).
    var connections: Int { accepted.value }

    init(decide: @escaping @Sendable (RawHTTPRequest) -> RawHTTPAction) async throws {
        let accepted = accepted
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                accepted.increment()
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RawHTTPHandler(decide: decide))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    func stop() async { try? await channel.close() }
}

final class ConnectionCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// Collects one request (head, body, end) and carries out the peer's decision.
final class RawHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let decide: @Sendable (RawHTTPRequest) -> RawHTTPAction
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(decide: @escaping @Sendable (RawHTTPRequest) -> RawHTTPAction) { self.decide = decide }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            guard let head else { return }
            let request = RawHTTPRequest(method: head.method.rawValue, target: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                                         body: Data(body.readableBytesView))
            switch decide(request) {
            case .close:
                context.close(promise: nil)
            case .answer(let status, let text, let delayMs):
                if delayMs <= 0 {
                    respond(context: context, version: head.version, status: status, text: text)
                } else {
                    let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                    context.eventLoop.scheduleTask(in: .milliseconds(Int64(delayMs))) {
                        let (handler, context) = bound.value
                        guard context.channel.isActive else { return }
                        handler.respond(context: context, version: head.version, status: status, text: text)
                    }
                }
            }
        }
    }

    private func respond(context: ChannelHandlerContext, version: HTTPVersion, status: Int, text: String) {
        let bytes = ByteBuffer(string: text)
        var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(bytes.readableBytes))])
        headers.add(name: "Connection", value: "keep-alive")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: .init(statusCode: status), headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(bytes))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
