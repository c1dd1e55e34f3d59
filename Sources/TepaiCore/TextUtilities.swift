/// Characters that end a sentence (or a line) in Chinese and Latin text: where replies and messages may be cut.
public let sentenceEnds: Set<Character> = ["。", "！", "？", "；", "!", "?", ";", "\n"]
/// The same as Unicode scalar values, for hot loops.
public let sentenceEndScalars: [UInt32] = sentenceEnds.compactMap { $0.unicodeScalars.first?.value }

extension String {
    /// The string without trailing spaces and line breaks.
    public func trimmingTrailingWhitespace() -> String {
        var s = self
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}

/// 64-bit FNV-1a: cheap and stable across runs and machines (Swift's `Hasher` is seeded per process), for
/// content fingerprints and idempotency keys.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Adds a field; fields are separated so that ("ab", "c") and ("a", "bc") differ.
    public mutating func add(_ s: String) {
        for b in s.utf8 { mix(b) }
        mix(0x1F)
    }

    public mutating func separator() { mix(0x1E) }

    /// The value as 16 hex digits.
    public var hex: String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    private mutating func mix(_ b: UInt8) {
        value ^= UInt64(b)
        value = value &* 0x100_0000_01b3
    }
}
