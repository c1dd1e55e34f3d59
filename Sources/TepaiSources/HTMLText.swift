/// Feed texts are often HTML: this turns them into the plain text entries hold. Tags are dropped (block
/// tags become line breaks), `script` and `style` lose their content, character references are decoded and
/// runs of white space collapse. A `<` that does not open a tag is kept as text.
enum HTMLText {
    static let blockTags: Set<String> = [
        "br", "p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
        "section", "article", "hr",
    ]
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ensp": " ", "emsp": " ",
        "mdash": "—", "ndash": "–", "hellip": "…", "ldquo": "“", "rdquo": "”", "lsquo": "‘", "rsquo": "’",
        "middot": "·", "copy": "©", "reg": "®", "times": "×", "yen": "¥",
    ]

    static func plainText(_ html: String) -> String {
        var out = ""
        let chars = Array(html)
        var i = 0
        var skipUntil: String?
        while i < chars.count {
            let c = chars[i]
            if c == "<", let end = tagEnd(chars, from: i) {
                let inner = String(chars[(i + 1)..<end])
                i = end + 1
                let name = tagName(inner)
                if let closing = skipUntil {
                    if name == "/" + closing { skipUntil = nil }
                    continue
                }
                if name == "script" || name == "style" {
                    skipUntil = name
                } else if blockTags.contains(name.hasPrefix("/") ? String(name.dropFirst()) : name) {
                    out += "\n"
                }
                continue
            }
            if skipUntil != nil {
                i += 1
                continue
            }
            if c == "&", let (text, next) = entity(chars, from: i) {
                out += text
                i = next
                continue
            }
            out.append(c)
            i += 1
        }
        return collapse(out)
    }

    /// The index of the `>` closing a tag that starts at `start`, when it is a tag at all.
    static func tagEnd(_ chars: [Character], from start: Int) -> Int? {
        let next = start + 1
        guard next < chars.count, chars[next].isLetter || chars[next] == "/" || chars[next] == "!" || chars[next] == "?" else { return nil }
        var j = next
        while j < chars.count {
            if chars[j] == ">" { return j }
            j += 1
        }
        return nil
    }

    static func tagName(_ inner: String) -> String {
        if inner.hasPrefix("!") || inner.hasPrefix("?") { return "!" }
        let closing = inner.hasPrefix("/")
        let name = (closing ? inner.dropFirst() : Substring(inner)).prefix { $0.isLetter || $0.isNumber }.lowercased()
        return closing ? "/" + name : name
    }

    /// A character reference at `start` (`&amp;`, `&#26032;`, `&#x65b0;`): its text and the index after it.
    static func entity(_ chars: [Character], from start: Int) -> (String, Int)? {
        var j = start + 1
        var name = ""
        while j < chars.count, j - start <= 12, chars[j] != ";" {
            name.append(chars[j])
            j += 1
        }
        guard j < chars.count, chars[j] == ";", !name.isEmpty else { return nil }
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, let scalar = Unicode.Scalar(value) else { return nil }
            return (String(Character(scalar)), j + 1)
        }
        guard let text = named[name] ?? named[name.lowercased()] else { return nil }
        return (text, j + 1)
    }

    /// Spaces and tabs collapse to one space, blank lines to one line break; lines are trimmed.
    static func collapse(_ text: String) -> String {
        var lines: [String] = []
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{A0}" || $0 == "\u{3000}" })
            let line = words.joined(separator: " ")
            if !line.isEmpty { lines.append(line) }
        }
        return lines.joined(separator: "\n")
    }
}
