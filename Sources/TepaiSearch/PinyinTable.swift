import Foundation

/// Toneless pinyin of single Han characters, cached: Foundation's transform costs ~50 µs a call.
/// Each character is read alone, so polyphones may come out with their other reading; the same holds for
/// query and index, which is why pinyin is only a recall aid for typo correction.
public final class PinyinTable: @unchecked Sendable {
    private let lock = NSLock()
    private var cache: [Unicode.Scalar: String] = [:]

    public init() {}

    public func pinyin(_ c: Unicode.Scalar) -> String {
        lock.lock()
        if let hit = cache[c] {
            lock.unlock()
            return hit
        }
        lock.unlock()
        let s = String(Character(c))
        let latin = s.applyingTransform(.mandarinToLatin, reverse: false)?
            .applyingTransform(.stripDiacritics, reverse: false)?.lowercased() ?? s
        lock.lock()
        cache[c] = latin
        lock.unlock()
        return latin
    }
}
