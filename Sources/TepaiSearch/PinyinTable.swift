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

    /// Whether two characters can be read alike: same reading, or a second reading of a common polyphone
    /// (调 is diao in the table, but 调件 is typed for 条件: tiao).
    public func soundsAlike(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
        let ra = pinyin(a), rb = pinyin(b)
        if ra == rb { return true }
        let ea = Self.otherReadings[a], eb = Self.otherReadings[b]
        if ea == nil && eb == nil { return false }
        let all = [ra] + (ea ?? [])
        return ([rb] + (eb ?? [])).contains { all.contains($0) }
    }

    /// Second readings of polyphones common in questions and notices; the table holds one reading each.
    static let otherReadings: [Unicode.Scalar: [String]] = {
        let list: [(String, [String])] = [
            ("调", ["tiao", "diao"]), ("行", ["hang", "xing"]), ("长", ["zhang", "chang"]), ("重", ["chong", "zhong"]),
            ("还", ["huan", "hai"]), ("得", ["dei", "de"]), ("觉", ["jiao", "jue"]), ("乐", ["yue", "le"]),
            ("传", ["zhuan", "chuan"]), ("朝", ["zhao", "chao"]), ("着", ["zhao", "zhuo", "zhe"]), ("差", ["chai", "cha"]),
            ("藏", ["zang", "cang"]), ("参", ["shen", "can"]), ("数", ["shuo", "shu"]), ("省", ["xing", "sheng"]),
            ("解", ["xie", "jie"]), ("会", ["kuai", "hui"]), ("便", ["pian", "bian"]), ("曾", ["zeng", "ceng"]),
            ("都", ["dou", "du"]), ("率", ["shuai", "lv"]), ("系", ["ji", "xi"]), ("强", ["jiang", "qiang"]),
            ("薄", ["bo", "bao"]), ("给", ["ji", "gei"]), ("校", ["jiao", "xiao"]), ("核", ["hu", "he"]),
            ("角", ["jue", "jiao"]), ("度", ["duo", "du"]), ("降", ["xiang", "jiang"]), ("单", ["shan", "dan"]),
            ("盛", ["cheng", "sheng"]), ("似", ["shi", "si"]), ("奇", ["ji", "qi"]), ("识", ["zhi", "shi"]),
            ("属", ["zhu", "shu"]), ("乘", ["sheng", "cheng"]), ("期", ["ji", "qi"]), ("模", ["mu", "mo"]),
            ("称", ["chen", "cheng"]), ("卷", ["juan"]), ("圈", ["juan", "quan"]),
        ]
        var map: [Unicode.Scalar: [String]] = [:]
        for (c, readings) in list { if let s = c.unicodeScalars.first { map[s] = readings } }
        return map
    }()

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
