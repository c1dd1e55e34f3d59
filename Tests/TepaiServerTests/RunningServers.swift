import Hummingbird
@testable import TepaiServer

/// Runs the daemon `make` builds (it is handed the on-listening callback) on a free port for `body`, and
/// stops it afterwards, also when `body` throws.
func withRunningDaemon<T>(_ make: (@escaping @Sendable (Int) async -> Void) -> TepaiDaemon,
                          _ body: (Int) async throws -> T) async throws -> T {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let daemon = make { continuation.yield($0) }
    let task = Task { try await daemon.run() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw CancellationError() }
    do {
        let result = try await body(port)
        task.cancel()
        _ = await task.result
        return result
    } catch {
        task.cancel()
        _ = await task.result
        throw error
    }
}

/// Starts a test's platform peer on a free port of 127.0.0.1; cancel the task to stop it.
func runLocalServer(_ router: Router<BasicRequestContext>) async -> (port: Int, task: Task<Void, Error>) {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                          onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
    let task = Task { try await app.runService() }
    var it = ports.makeAsyncIterator()
    return (await it.next() ?? 0, task)
}
