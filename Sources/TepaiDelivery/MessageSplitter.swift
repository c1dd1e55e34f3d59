import TepaiCore

/// One unit of a message that should stay whole if at all possible: a digest item, a paragraph.
public struct MessageBlock: Sendable, Equatable {
    public var text: String
    /// Where the full text is, offered when the block must be trimmed.
    public var url: String?

    public init(_ text: String, url: String? = nil) {
        self.text = text
        self.url = url
    }
}

/// A rendered template read as a message: the first non-blank line is the title, and blank lines separate
/// the blocks a split keeps whole. Works on UTF-8 bytes: digests parse thousands of these.
public struct RenderedMessage: Sendable, Equatable {
    public var title: String
    public var blocks: [String]

    public init(_ text: String) {
        var title: String?
        var blocks: [String] = []
        var current: [Substring.UTF8View.SubSequence] = []
        func flush() {
            guard !current.isEmpty else { return }
            blocks.append(current.map { String(Substring($0)) }.joined(separator: "\n"))
            current.removeAll()
        }
        for line in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let blank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            if title == nil {
                if !blank { title = String(Substring(line)).trimmingTrailingWhitespace() }
                continue
            }
            if blank { flush() } else { current.append(line.last == 0x0D ? line.dropLast() : line) }
        }
        flush()
        self.title = title ?? ""
        self.blocks = blocks
    }
}

/// Splits a message into parts that each fit a platform's limit in UTF-8 bytes: between blocks, never inside
/// a character or a markdown link; parts are numbered (1/3 …); a block that alone exceeds the limit is
/// trimmed on a sentence boundary and points to its full text.
public struct MessageSplitter: Sendable {
    public let limit: Int
    public var separator = "\n\n"

    public init(limit: Int) {
        self.limit = limit
    }

    /// `title` heads every part; numbering follows it when there is more than one part.
    public func split(title: String, blocks: [MessageBlock]) -> [String] {
        // Room for the longest numbering tag we may add, " (99/99)".
        let header = title.isEmpty ? "" : title + "\n"
        let tagReserve = title.isEmpty ? 0 : " (99/99)".utf8.count
        let budget = max(limit - header.utf8.count - tagReserve, 64)
        var parts: [[String]] = [[]]
        var used = 0
        for block in blocks {
            let text = fit(block, budget: budget)
            let cost = text.utf8.count + (parts[parts.count - 1].isEmpty ? 0 : separator.utf8.count)
            if used + cost > budget, !parts[parts.count - 1].isEmpty {
                parts.append([text])
                used = text.utf8.count
            } else {
                parts[parts.count - 1].append(text)
                used += cost
            }
        }
        let n = parts.count
        return parts.enumerated().map { (i, items) in
            let body = items.joined(separator: separator)
            if title.isEmpty { return n > 1 ? "(\(i + 1)/\(n))\n" + body : body }
            return (n > 1 ? "\(title) (\(i + 1)/\(n))\n" : header) + body
        }
    }

    /// A block as is when it fits; else cut at the last sentence end that leaves room for the link.
    func fit(_ block: MessageBlock, budget: Int) -> String {
        guard block.text.utf8.count > budget else { return block.text }
        let tail = block.url.map { "…\n全文：\($0)" } ?? "…"
        let room = budget - tail.utf8.count
        var bytes = 0
        var lastFit = block.text.startIndex
        var lastSentence: String.Index?
        var linkStart: String.Index?
        var idx = block.text.startIndex
        while idx < block.text.endIndex {
            let c = block.text[idx]
            let size = String(c).utf8.count
            if bytes + size > room { break }
            bytes += size
            if c == "[" { linkStart = idx }
            if c == ")" { linkStart = nil }
            idx = block.text.index(after: idx)
            lastFit = idx
            if sentenceEnds.contains(c), linkStart == nil { lastSentence = idx }
        }
        var cut = lastSentence ?? lastFit
        // Never leave half a markdown link: cut before its "[" instead.
        if let open = linkStart, open < cut, lastSentence == nil || open < (lastSentence ?? cut) { cut = open }
        return String(block.text[..<cut]).trimmingTrailingWhitespace() + tail
    }
}
