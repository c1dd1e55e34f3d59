import Foundation
import TepaiDelivery

/// Fetches a feed with a conditional GET through libcurl: the validators of the last stored fetch go out as
/// `If-None-Match` and `If-Modified-Since`, and a 304 means there is nothing to do.
public struct FeedFetcher: Sendable {
    public static let maxBytes = 20 << 20

    public enum Outcome: Sendable {
        case notModified
        case fetched(body: Data, etag: String?, lastModified: String?)
    }

    let transport: CurlTransport

    public init(transport: CurlTransport) {
        self.transport = transport
    }

    public func fetch(url: String, etag: String?, lastModified: String?) async throws(SourceError) -> Outcome {
        var headers: [(String, String)] = [
            ("User-Agent", "tepai/0.1 (+content sources)"),
            ("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/json, application/xml;q=0.9, */*;q=0.5"),
        ]
        if let etag, !etag.isEmpty { headers.append(("If-None-Match", etag)) }
        if let lastModified, !lastModified.isEmpty { headers.append(("If-Modified-Since", lastModified)) }
        let reply: HTTPReply
        do { reply = try await transport.send(HTTPRequestSpec(method: "GET", url: url, headers: headers)) } catch {
            throw SourceError("fetching \(url) failed: \(error)")
        }
        switch reply.status {
        case 304:
            return .notModified
        case 200..<300:
            guard reply.body.count <= Self.maxBytes else {
                throw SourceError("\(url) answered \(reply.body.count) bytes; at most \(Self.maxBytes) are read")
            }
            return .fetched(body: reply.body, etag: reply.header("ETag"), lastModified: reply.header("Last-Modified"))
        default:
            let snippet = String(decoding: reply.body.prefix(200), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
            throw SourceError("\(url) answered HTTP \(reply.status)\(snippet.isEmpty ? "" : ": \(snippet)")")
        }
    }
}
