/// Removes what chat clients put into a message besides the question: WeChat and WeCom send their emoticons
/// as bracketed names (请问高企认定要什么条件[微笑], [捂脸], [OK]), which would otherwise count as topic words
/// no entry covers and turn an answerable question into a decline; a leading "+1" (me too) would count as a
/// number the question refines by.
enum ChatNoise {
    static func stripped(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        let start = scalars.firstIndex { !$0.properties.isWhitespace } ?? scalars.count
        if start < scalars.count, scalars[start] == "+" || scalars[start] == "＋" {
            var end = start + 1
            while end < scalars.count, ("0"..."9").contains(scalars[end]) || ("０"..."９").contains(scalars[end]) { end += 1 }
            if end > start + 1 { scalars.removeSubrange(start..<end) }
        }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if let end = emoticonEnd(scalars, from: i) {
                i = end
                continue
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    /// The index after `[name]` when one starts at `start`: 1–4 Han characters or 1–8 Latin letters.
    private static func emoticonEnd(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        guard s[start] == "[" || s[start] == "［" else { return nil }
        var j = start + 1
        var han = 0, latin = 0
        while j < s.count, s[j] != "]", s[j] != "］" {
            if TextNormalizer.isHan(s[j].value) { han += 1 } else if s[j].isASCII, s[j].properties.isAlphabetic { latin += 1 } else { return nil }
            j += 1
        }
        guard j < s.count, han + latin > 0, (han == 0 || latin == 0), han <= 4, latin <= 8 else { return nil }
        return j + 1
    }
}
