/// `<metadata>` content as libxml2's formatted dump writes it (libvirt keeps that subtree as libxml2 nodes):
/// double-quoted attributes, comments kept, an element holding any text on one line.
extension XMLWriter {
    /// One element, with no leading indentation and no trailing newline. `pretty`: children may go on lines of
    /// their own, which libxml2 does unless an element holds text.
    static func libxml(_ e: KeptXML, depth: Int, pretty: Bool, into out: inout String) {
        var bytes = XMLBytes(capacity: 256)
        libxml(e, depth: depth, pretty: pretty, into: &bytes)
        out += bytes.string
    }

    static func libxml(_ e: KeptXML, depth: Int, pretty: Bool, into out: inout XMLBytes) {
        out.append(0x3C)
        out.append(e.name)
        for a in e.attributes {
            out.append(0x20)
            out.append(a.name)
            out.append(literal: "=\"")
            libxmlAttributeValue(a.value, into: &out)
            out.append(0x22)
        }
        guard !e.content.isEmpty else {
            out.append(literal: "/>")
            return
        }
        out.append(0x3E)
        let lines = pretty && !e.content.contains { if case .text = $0 { true } else { false } }
        for item in e.content {
            if lines {
                out.append(0x0A)
                out.appendSpaces(2 * (depth + 1))
            }
            switch item {
            case .element(let child): libxml(child, depth: depth + 1, pretty: lines, into: &out)
            case .text(let t): out.appendEscaped(t, quotesAndControls: false)
            case .comment(let c):
                out.append(literal: "<!--")
                out.append(c)
                out.append(literal: "-->")
            }
        }
        if lines {
            out.append(0x0A)
            out.appendSpaces(2 * depth)
        }
        out.append(literal: "</")
        out.append(e.name)
        out.append(0x3E)
    }

    /// libxml2's escaping of a double-quoted attribute value. By characters (grapheme clusters): a CR LF pair, or
    /// a special character followed by a combining mark, is one character that matches none of the cases and is
    /// written as it is. ASCII without a CR holds no such cluster, so such values (nearly all) go byte by byte.
    private static func libxmlAttributeValue(_ value: String, into out: inout XMLBytes) {
        if value.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) {
            for b in value.utf8 {
                switch b {
                case 0x26: out.append(literal: "&amp;")
                case 0x3C: out.append(literal: "&lt;")
                case 0x3E: out.append(literal: "&gt;")
                case 0x22: out.append(literal: "&quot;")
                case 0x0A: out.append(literal: "&#10;")
                case 0x09: out.append(literal: "&#9;")
                default: out.append(b)
                }
            }
            return
        }
        var text = ""
        for ch in value {
            switch ch {
            case "&": text += "&amp;"
            case "<": text += "&lt;"
            case ">": text += "&gt;"
            case "\"": text += "&quot;"
            case "\n": text += "&#10;"
            case "\r": text += "&#13;"
            case "\t": text += "&#9;"
            default: text.append(ch)
            }
        }
        out.append(text)
    }
}
