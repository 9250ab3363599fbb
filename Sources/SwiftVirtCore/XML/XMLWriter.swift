/// Builds indented XML text the way libvirt prints it: two-space indent, single-quoted attributes,
/// empty elements as `<x/>`.
struct XMLWriter {
    private(set) var output = ""
    private var depth = 0
    /// Live XML (a running domain): device aliases are printed. Inactive XML keeps only user aliases, as libvirt.
    var live = false

    /// One attribute; nil values are skipped so callers can pass optionals straight through.
    typealias Attr = (String, String?)

    private mutating func startLine() { output += String(repeating: "  ", count: depth) }

    private mutating func writeTag(_ name: String, _ attrs: [Attr]) {
        output += "<"
        output += name
        for case (let k, let v?) in attrs {
            output += " "
            output += k
            output += "='"
            Self.escape(v, quotesAndControls: true, into: &output)
            output += "'"
        }
    }

    /// `<name a='b'/>`.
    mutating func empty(_ name: String, _ attrs: [Attr] = []) {
        startLine()
        writeTag(name, attrs)
        output += "/>\n"
    }

    /// `<name>text</name>`.
    mutating func text(_ name: String, _ text: String) { self.text(name, [], text) }

    /// `<name a='b'>text</name>`.
    mutating func text(_ name: String, _ attrs: [Attr], _ text: String) {
        startLine()
        writeTag(name, attrs)
        output += ">"
        Self.escape(text, quotesAndControls: false, into: &output)
        output += "</\(name)>\n"
    }

    /// `<name>raw</name>` with `raw` inserted unescaped (already XML).
    mutating func raw(_ name: String, _ raw: String) {
        startLine()
        output += "<\(name)>" + raw + "</\(name)>\n"
    }

    /// An element with children; printed as `<name/>` when `body` writes nothing.
    /// Writes straight into `output` (no per-level copies); if the body wrote nothing the opening tag is
    /// rewritten as an empty element.
    mutating func element(_ name: String, _ attrs: [Attr] = [], _ body: (inout XMLWriter) -> Void) {
        let start = output.utf8.count
        startLine()
        writeTag(name, attrs)
        output += ">\n"
        let afterOpen = output.utf8.count
        depth += 1
        body(&self)
        depth -= 1
        if output.utf8.count == afterOpen {
            output.removeSubrange(output.utf8.index(output.startIndex, offsetBy: start)...)
            empty(name, attrs)
            return
        }
        startLine()
        output += "</\(name)>\n"
    }

    static func escapeText(_ s: String) -> String {
        var out = ""
        escape(s, quotesAndControls: false, into: &out)
        return out
    }

    static func escapeAttribute(_ s: String) -> String {
        var out = ""
        escape(s, quotesAndControls: true, into: &out)
        return out
    }

    /// Attribute values also escape quotes and whitespace controls, which parsers would otherwise normalise.
    private static func escape(_ s: String, quotesAndControls: Bool, into out: inout String) {
        // Most values need no escaping at all: append them whole.
        if !s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || (quotesAndControls && ($0 == 0x27 || $0 == 0x22 || $0 < 0x20)) }) {
            out += s
            return
        }
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "'" where quotesAndControls: out += "&apos;"
            case "\"" where quotesAndControls: out += "&quot;"
            case "\n" where quotesAndControls: out += "&#10;"
            case "\t" where quotesAndControls: out += "&#9;"
            case "\r" where quotesAndControls: out += "&#13;"
            case "\r\n" where quotesAndControls: out += "&#13;&#10;"
            default: out.append(ch)
            }
        }
    }
}
