import Foundation

/// Toneless pinyin of single Han characters. The CJK Unified Ideographs come from a table built in
/// (`PinyinData.swift`, generated once from Foundation's Mandarin-to-Latin transform): that transform costs tens
/// of microseconds a call, and typo correction asks for the reading of every candidate character, so a question
/// whose candidates had not been seen before paid for each of them. Other characters still go through the
/// transform, cached. Each character is read alone, so polyphones may come out with their other reading; the
/// same holds for query and index, which is why pinyin is only a recall aid for typo correction.
public final class PinyinTable: @unchecked Sendable {
    private let lock = NSLock()
    private var cache: [Unicode.Scalar: String] = [:]

    public init() {}

    public func pinyin(_ c: Unicode.Scalar) -> String {
        if let reading = Self.builtIn.reading(c) { return reading }
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

    private static let builtIn = BuiltInReadings(builtInData)
}

/// The built-in table parsed into a syllable number per code point of U+4E00–U+9FFF (0: not in the table).
private struct BuiltInReadings: Sendable {
    static let first: UInt32 = 0x4E00
    static let last: UInt32 = 0x9FFF
    private var syllables: [String] = [""]
    private var slots = [UInt16](repeating: 0, count: Int(last - first + 1))

    init(_ data: String) {
        for line in data.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            syllables.append(String(line[..<space]))
            let number = UInt16(syllables.count - 1)
            for scalar in line[line.index(after: space)...].unicodeScalars
            where (Self.first...Self.last).contains(scalar.value) {
                slots[Int(scalar.value - Self.first)] = number
            }
        }
    }

    func reading(_ c: Unicode.Scalar) -> String? {
        guard (Self.first...Self.last).contains(c.value) else { return nil }
        let number = Int(slots[Int(c.value - Self.first)])
        return number == 0 ? nil : syllables[number]
    }
}
