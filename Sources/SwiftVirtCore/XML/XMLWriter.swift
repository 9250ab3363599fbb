/// Builds indented XML text the way libvirt prints it: two-space indent, single-quoted attributes,
/// empty elements as `<x/>`.
struct XMLWriter {
    private(set) var output = ""
    private var depth = 0

    /// One attribute; nil values are skipped so callers can pass optionals straight through.
    typealias Attr = (String, String?)

    private mutating func startLine() { output += String(repeating: "  ", count: depth) }

    private func tag(_ name: String, _ attrs: [Attr]) -> String {
        var s = "<" + name
        for case (let k, let v?) in attrs { s += " \(k)='\(Self.escapeAttribute(v))'" }
        return s
    }

    /// `<name a='b'/>`.
    mutating func empty(_ name: String, _ attrs: [Attr] = []) {
        startLine()
        output += tag(name, attrs) + "/>\n"
    }

    /// `<name>text</name>`.
    mutating func text(_ name: String, _ text: String) { self.text(name, [], text) }

    /// `<name a='b'>text</name>`.
    mutating func text(_ name: String, _ attrs: [Attr], _ text: String) {
        startLine()
        output += tag(name, attrs) + ">" + Self.escapeText(text) + "</\(name)>\n"
    }

    /// `<name>raw</name>` with `raw` inserted unescaped (already XML).
    mutating func raw(_ name: String, _ raw: String) {
        startLine()
        output += "<\(name)>" + raw + "</\(name)>\n"
    }

    /// An element with children; printed as `<name/>` when `body` writes nothing.
    mutating func element(_ name: String, _ attrs: [Attr] = [], _ body: (inout XMLWriter) -> Void) {
        var inner = XMLWriter()
        inner.depth = depth + 1
        body(&inner)
        if inner.output.isEmpty {
            empty(name, attrs)
            return
        }
        startLine()
        output += tag(name, attrs) + ">\n" + inner.output
        startLine()
        output += "</\(name)>\n"
    }

    static func escapeText(_ s: String) -> String { escape(s, quotesAndControls: false) }
    static func escapeAttribute(_ s: String) -> String { escape(s, quotesAndControls: true) }

    /// Attribute values also escape quotes and whitespace controls, which parsers would otherwise normalise.
    private static func escape(_ s: String, quotesAndControls: Bool) -> String {
        var out = ""
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
        return out
    }
}
