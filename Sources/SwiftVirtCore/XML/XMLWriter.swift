/// Builds indented XML text the way libvirt prints it: two-space indent, single-quoted attributes,
/// empty elements as `<x/>`.
struct XMLWriter {
    private(set) var output = ""
    private var depth = 0
    /// Live XML (a running domain): device aliases are printed. Inactive XML keeps only user aliases, as libvirt.
    var live = false
    /// Secrets (graphics passwords) are printed: for stored state and callers with VIR_DOMAIN_XML_SECURE.
    var secure = true
    /// Per open element, the kept elements still to be written (see `XMLExtras`); nil for elements without any.
    private var keptFrames: [KeptFrame?] = []

    /// Kept children of an open element, waiting for the sibling they followed in the input.
    private struct KeptFrame {
        var pending: [XMLExtras.Element]
        var written: [String: Int] = [:]
    }

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
        noteChild(name)
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
        noteChild(name)
    }

    /// `<name>raw</name>` with `raw` inserted unescaped (already XML).
    mutating func raw(_ name: String, _ raw: String) {
        startLine()
        output += "<\(name)>" + raw + "</\(name)>\n"
        noteChild(name)
    }

    /// An element with children; printed as `<name/>` when `body` writes nothing. `extras`: what the input
    /// carried that the model did not read, written back in place (attributes after the known ones; each kept
    /// child after the sibling it followed in the input, or first, or at the end when that sibling is gone).
    /// Writes straight into `output` (no per-level copies); if nothing was written inside, the opening tag is
    /// rewritten as an empty element.
    mutating func element(
        _ name: String, _ attrs: [Attr] = [], extras: XMLExtras? = nil, _ body: (inout XMLWriter) -> Void
    ) {
        let allAttrs = extras.map { attrs + $0.attributes.map { ($0.name, $0.value) } } ?? attrs
        let start = output.utf8.count
        startLine()
        writeTag(name, allAttrs)
        output += ">\n"
        let afterOpen = output.utf8.count
        depth += 1
        if let kept = extras?.elements, !kept.isEmpty {
            keptFrames.append(KeptFrame(pending: kept))
            writeKept(after: nil)
        } else {
            keptFrames.append(nil)
        }
        body(&self)
        if let frame = keptFrames.last, let rest = frame?.pending {
            keptFrames[keptFrames.count - 1]?.pending = []
            for kept in rest { write(kept.element) }
        }
        keptFrames.removeLast()
        depth -= 1
        if output.utf8.count == afterOpen {
            output.removeSubrange(output.utf8.index(output.startIndex, offsetBy: start)...)
            empty(name, allAttrs)
            return
        }
        startLine()
        output += "</\(name)>\n"
        noteChild(name)
    }

    /// A kept subtree, as libvirt would print it.
    mutating func write(_ kept: KeptXML) {
        if kept.libxmlStyle {
            metadata(kept.content.compactMap { if case .element(let e) = $0 { e } else { nil } })
            return
        }
        let attrs: [Attr] = kept.attributes.map { ($0.name, $0.value) }
        if kept.content.isEmpty {
            empty(kept.name, attrs)
        } else if kept.content.count == 1, case .text(let t) = kept.content[0] {
            text(kept.name, attrs, t)
        } else {
            element(kept.name, attrs) { w in
                for item in kept.content {
                    switch item {
                    case .element(let e): w.write(e)
                    case .text(let t):
                        w.startLine()
                        Self.escape(t.trimmingWhitespace(), quotesAndControls: false, into: &w.output)
                        w.output += "\n"
                    case .comment: break
                    }
                }
            }
        }
    }

    /// `<metadata>` and what it holds, as libvirt prints it: libxml2 serialises that subtree itself, so
    /// attributes are double-quoted, comments kept, and an element holding any text is written on one line.
    mutating func metadata(_ items: [KeptXML]) {
        startLine()
        if items.isEmpty {
            output += "<metadata/>\n"
        } else {
            output += "<metadata>\n"
            for item in items {
                output += String(repeating: "  ", count: depth + 1)
                Self.libxml(item, depth: depth + 1, pretty: true, into: &output)
                output += "\n"
            }
            startLine()
            output += "</metadata>\n"
        }
        noteChild("metadata")
    }

    /// One element as libxml2's formatted dump writes it (no leading indentation, no trailing newline).
    /// `pretty`: children may go on lines of their own, which libxml2 does unless an element holds text.
    private static func libxml(_ e: KeptXML, depth: Int, pretty: Bool, into out: inout String) {
        out += "<" + e.name
        for a in e.attributes {
            out += " " + a.name + "=\""
            for ch in a.value {
                switch ch {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "\n": out += "&#10;"
                case "\r": out += "&#13;"
                case "\t": out += "&#9;"
                default: out.append(ch)
                }
            }
            out += "\""
        }
        guard !e.content.isEmpty else {
            out += "/>"
            return
        }
        out += ">"
        let lines = pretty && !e.content.contains { if case .text = $0 { true } else { false } }
        let childIndent = String(repeating: "  ", count: depth + 1)
        for item in e.content {
            if lines { out += "\n" + childIndent }
            switch item {
            case .element(let child): libxml(child, depth: depth + 1, pretty: lines, into: &out)
            case .text(let t): escape(t, quotesAndControls: false, into: &out)
            case .comment(let c): out += "<!--" + c + "-->"
            }
        }
        if lines { out += "\n" + String(repeating: "  ", count: depth) }
        out += "</" + e.name + ">"
    }

    /// A child element `name` of the open element was written: the kept elements that followed it come next.
    private mutating func noteChild(_ name: String) {
        guard let last = keptFrames.indices.last, keptFrames[last] != nil else { return }
        let occurrence = keptFrames[last]?.written[name, default: 0] ?? 0
        keptFrames[last]?.written[name] = occurrence + 1
        writeKept(after: XMLExtras.Anchor(name: name, occurrence: occurrence))
    }

    private mutating func writeKept(after anchor: XMLExtras.Anchor?) {
        guard let last = keptFrames.indices.last, let frame = keptFrames[last] else { return }
        let due = frame.pending.filter { $0.after == anchor }
        guard !due.isEmpty else { return }
        keptFrames[last]?.pending.removeAll { $0.after == anchor }
        for kept in due { write(kept.element) }  // each notes itself, so what followed it follows it again
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
