import Foundation
import TepaiDelivery

/// Reads a spawned daemon's stderr as it grows.
final class DaemonLog: @unchecked Sendable {
    private let pipe: Pipe
    private let lock = NSLock()
    private var buffer = ""

    init(_ pipe: Pipe) {
        self.pipe = pipe
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.buffer += String(decoding: data, as: UTF8.self) }
        }
    }

    deinit { pipe.fileHandleForReading.readabilityHandler = nil }

    var text: String { lock.withLock { buffer } }

    func waitFor(_ needle: String, seconds: Double = 15) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if text.contains(needle) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// The port of the "tepai listening" line; other lines also carry `url=` (a failed delivery names its webhook).
    func port(seconds: Double = 30) async throws -> Int? {
        let pattern = #"url=http://127\.0\.0\.1:\d+ \[TepaiServer\] tepai listening"#
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let range = text.range(of: pattern, options: .regularExpression) {
                return Int(text[range].split(separator: " ")[0].split(separator: ":").last ?? "")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}

/// GETs through libcurl.
struct Client {
    var port: Int
    let curl = CurlTransport()

    static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "" }

    func get(_ path: String, token: String? = nil) async throws -> (status: Int, text: String) {
        let headers = token.map { [("Authorization", "Bearer \($0)")] } ?? []
        let r = try await curl.send(HTTPRequestSpec(method: "GET", url: "http://127.0.0.1:\(port)\(path)", headers: headers))
        return (r.status, String(decoding: r.body, as: UTF8.self))
    }
}
