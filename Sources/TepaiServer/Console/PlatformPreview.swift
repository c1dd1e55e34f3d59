import Foundation
import TepaiCore

/// A part of a message drawn roughly as the group will see it: WeCom, DingTalk and Feishu markdown (headings,
/// bold, links, quotes, lists, WeCom's coloured text), Slack's mrkdwn, the card and news frames, or plain text.
/// Administrators judge a digest by how it reads in the chat, not by its markdown source (which the page
/// still shows under 原文). Everything is HTML-escaped before any markup is added, and only http(s) links
/// become anchors, so an entry's text cannot inject markup into the console.
enum PlatformPreview {
    static func html(_ text: String, title: String, url: String?, channel: ChannelConfig) -> String {
        let format = channel.format.lowercased()
        switch (channel.platform, format) {
        case (.wecom, "markdown"), (.dingtalk, "markdown"):
            return markdown(text)
        case (.dingtalk, "actioncard"):
            return frame(title: title, body: markdown(text), button: url)
        case (.feishu, "card"):
            return frame(title: title, body: markdown(text), button: url)
        case (.feishu, "post"):
            return frame(title: title, body: plain(text), button: nil, link: url)
        case (.wecom, "news"):
            return frame(title: title, body: plain(text), button: nil, link: url)
        case (.slack, _):
            return slack(text)
        default:
            return plain(text)
        }
    }

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func plain(_ text: String) -> String {
        "<div class=\"md\">" + text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }.joined(separator: "<br>") + "</div>"
    }

    /// The markdown the three Chinese platforms share, line by line.
    static func markdown(_ text: String) -> String {
        var out = "<div class=\"md\">"
        var inList = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = inline(escape(String(raw).trimmingCharacters(in: .whitespaces)))
            let item = line.hasPrefix("- ") || line.hasPrefix("* ")
            if inList && !item { out += "</ul>"; inList = false }
            if item {
                if !inList { out += "<ul>"; inList = true }
                out += "<li>" + line.dropFirst(2) + "</li>"
            } else if let heading = line.range(of: #"^#{1,6} "#, options: .regularExpression) {
                out += "<p class=\"md-h\">" + line[heading.upperBound...] + "</p>"
            } else if line.hasPrefix("&gt;") {
                out += "<blockquote>" + line.dropFirst(4).trimmingCharacters(in: .whitespaces) + "</blockquote>"
            } else if line.isEmpty {
                out += "<p class=\"md-gap\"></p>"
            } else {
                out += "<p>" + line + "</p>"
            }
        }
        if inList { out += "</ul>" }
        return out + "</div>"
    }

    /// Links, bold and WeCom's `<font color>` on one already-escaped line.
    static func inline(_ line: String) -> String {
        var s = line
        s = s.replacingOccurrences(of: #"\[([^\]]*)\]\((https?://[^)\s]+)\)"#, with: "<a href=\"$2\">$1</a>", options: .regularExpression)
        s = s.replacingOccurrences(of: #"\*\*(.+?)\*\*"#, with: "<strong>$1</strong>", options: .regularExpression)
        s = s.replacingOccurrences(of: #"&lt;font color=(?:&quot;|&#39;)(info|comment|warning|green|grey|red)(?:&quot;|&#39;)&gt;(.*?)&lt;/font&gt;"#,
                                   with: "<span class=\"md-$1\">$2</span>", options: .regularExpression)
        return s
    }

    /// Slack's mrkdwn: `*bold*` and `<url|text>`.
    static func slack(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { raw -> String in
            var s = escape(String(raw))
            s = s.replacingOccurrences(of: #"&lt;(https?://[^|\s]+?)\|(.+?)&gt;"#, with: "<a href=\"$1\">$2</a>", options: .regularExpression)
            s = s.replacingOccurrences(of: #"\*([^*]+)\*"#, with: "<strong>$1</strong>", options: .regularExpression)
            return s
        }
        return "<div class=\"md\">" + lines.joined(separator: "<br>") + "</div>"
    }

    /// A card or news article: its title above the body, and the 查看详情 button or link the platform adds.
    static func frame(title: String, body: String, button: String?, link: String? = nil) -> String {
        var out = "<div class=\"frame\"><p class=\"frame-title\">" + escape(title) + "</p>" + body
        if let button, isWebLink(button) { out += "<p><a class=\"frame-button\" href=\"" + escape(button) + "\">查看详情</a></p>" }
        if let link, isWebLink(link) { out += "<p><a href=\"" + escape(link) + "\">查看详情</a></p>" }
        return out + "</div>"
    }

    static func isWebLink(_ s: String) -> Bool { s.hasPrefix("https://") || s.hasPrefix("http://") }
}
