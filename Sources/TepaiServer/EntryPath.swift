import Foundation
import Hummingbird

/// Entry ids are free text (Chinese, `/`, `#`, `?` are all allowed): in a URL they travel percent-encoded as
/// one path segment, and Hummingbird hands route parameters over still encoded, so both directions go
/// through here.
enum EntryPath {
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The id as one path segment.
    static func segment(_ id: String) -> String { id.addingPercentEncoding(withAllowedCharacters: unreserved) ?? id }

    /// The `:id` route parameter, decoded.
    static func id(_ parameters: Parameters) -> String? {
        parameters.get("id").map { $0.removingPercentEncoding ?? $0 }
    }
}
