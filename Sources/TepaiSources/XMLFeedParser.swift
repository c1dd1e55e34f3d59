import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads RSS 2.0 (`item`: title, link, guid, description, content:encoded, pubDate, category) and Atom
/// (`entry`: title, link href, id, summary, content, published, updated, category term) with Foundation's
/// `XMLParser`. The whole document is parsed before any item is returned, so a document cut off mid-way gives
/// an error and no items.
enum XMLFeedParser {
    static func parse(_ data: Data) throws(SourceError) -> ParsedFeed {
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        let reader = FeedXMLReader()
        parser.delegate = reader
        let ok = parser.parse()
        if let problem = reader.problem { throw SourceError(problem) }
        guard ok, let format = reader.format else {
            let reason = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "no RSS or Atom root element"
            throw SourceError("not a readable RSS or Atom document (line \(parser.lineNumber): \(reason))")
        }
        // Foundation's parser can report success on a document that simply stops: require the root to close.
        guard reader.rootClosed else {
            throw SourceError("not a readable RSS or Atom document (it ends before <\(reader.rootName)> closes: cut off?)")
        }
        return ParsedFeed(format: format, items: reader.items)
    }
}

/// The parser's delegate: one item at a time, the text of each of its fields.
private final class FeedXMLReader: NSObject, XMLParserDelegate {
    var format: ParsedFeed.Format?
    var problem: String?
    var items: [FeedItem] = []
    var rootName = ""
    var rootClosed = false

    private var depth = 0
    private var item: FeedItem?
    private var itemDepth = 0
    private var field: String?
    private var text = ""
    // Atom's content and RSS's content:encoded are fuller than summary and description; kept apart, then chosen.
    private var fullContent: String?
    private var shortContent: String?
    private var published: String?
    private var updated: String?
    private var atomLinkIsAlternate = false

    static func local(_ name: String) -> String {
        name.split(separator: ":").last.map(String.init) ?? name
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        depth += 1
        let local = Self.local(name)
        if depth == 1 {
            rootName = name
            switch local {
            case "rss", "RDF": format = .rss
            case "feed": format = .atom
            default:
                problem = "not an RSS or Atom feed (the document is <\(name)>)"
                parser.abortParsing()
            }
            return
        }
        if item == nil {
            if (format == .rss && local == "item") || (format == .atom && local == "entry") {
                item = FeedItem(index: items.count + 1)
                itemDepth = depth
                fullContent = nil; shortContent = nil; published = nil; updated = nil; atomLinkIsAlternate = false
            }
            return
        }
        if field != nil {
            // Markup inside a field (Atom xhtml content): keep its text, and its paragraphs apart.
            if HTMLText.blockTags.contains(local.lowercased()) { text += "\n" }
            return
        }
        guard depth == itemDepth + 1 else { return }
        if format == .atom && local == "link" {
            let rel = attributes["rel"] ?? "alternate"
            if let href = attributes["href"], rel == "alternate", !atomLinkIsAlternate || item?.link == nil {
                item?.link = href
                atomLinkIsAlternate = true
            } else if let href = attributes["href"], item?.link == nil, rel != "self" {
                item?.link = href
            }
            return
        }
        if format == .atom && local == "category" {
            if let term = attributes["label"] ?? attributes["term"] { item?.categories.append(term) }
            return
        }
        field = name
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if field != nil { text += string }
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        if field != nil { text += String(decoding: block, as: UTF8.self) }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        defer { depth -= 1 }
        if depth == 1 { rootClosed = true }
        guard item != nil else { return }
        if depth == itemDepth {
            finishItem()
            return
        }
        guard let current = field, depth == itemDepth + 1, current == name else { return }
        field = nil
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { return }
        switch (name, Self.local(name)) {
        case ("content:encoded", _): fullContent = value
        case (_, "title"): item?.title = value
        case (_, "link"): item?.link = value
        case (_, "guid"), (_, "id"): item?.guid = value
        case (_, "description"), (_, "summary"): shortContent = value
        case (_, "content"): fullContent = value
        case (_, "pubDate"), (_, "published"), (_, "date"), (_, "issued"): published = value
        case (_, "updated"), (_, "modified"): updated = value
        case (_, "category"), (_, "subject"): item?.categories.append(value)
        default: break
        }
    }

    private func finishItem() {
        guard var done = item else { return }
        done.content = fullContent ?? shortContent
        done.date = published ?? updated
        items.append(done)
        item = nil
        field = nil
    }
}
