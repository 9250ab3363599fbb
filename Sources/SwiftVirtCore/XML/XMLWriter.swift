/// Builds indented XML text the way libvirt prints it: two-space indent, single-quoted attributes,
/// empty elements as `<x/>`.
struct XMLWriter {
    /// UTF-8 bytes: appending to a byte array is several times cheaper than to a String (no breadcrumbs, no
    /// re-validation), and formatting is most of what an uncached XMLDesc costs.
    private var bytes: [UInt8] = []
    var output: String { String(decoding: bytes, as: UTF8.self) }
    private var depth = 0
    /// Live XML (a running domain): device aliases are printed. Inactive XML keeps only user aliases, as libvirt.
    var live = false
    /// Device aliases are printed though the XML is not live: for a running domain's stored state, whose devices
    /// QEMU knows by those names.
    var aliases = false
    /// Secrets (graphics passwords) are printed: for stored state and callers with VIR_DOMAIN_XML_SECURE.
    var secure = true
    /// Disks (by target) whose `<backingStore/>` end of chain is printed though the XML is not live: migratable
    /// XML of a running guest.
    var chainsEnded: Set<String> = []
    /// Per open element, the kept elements still to be written (see `XMLExtras`); nil for elements without any.
    private var keptFrames: [KeptFrame?] = []

    /// Kept children of an open element, waiting for the sibling they followed in the input.
    private struct KeptFrame {
        var pending: [XMLExtras.Element]
        var written: [String: Int] = [:]
    }

    /// One attribute; nil values are skipped so callers can pass optionals straight through.
    typealias Attr = (String, String?)

    init() { bytes.reserveCapacity(4096) }

    private mutating func startLine() { bytes.append(contentsOf: repeatElement(0x20, count: 2 * depth)) }

    private mutating func put(_ s: String) { bytes.append(contentsOf: s.utf8) }
    private mutating func put(_ b: UInt8) { bytes.append(b) }

    private mutating func writeTag(_ name: String, _ attrs: [Attr]) {
        put(0x3C)  // <
        put(name)
        for case (let k, let v?) in attrs {
            put(0x20)
            put(k)
            put(0x3D)  // =
            put(0x27)  // '
            Self.escape(v, quotesAndControls: true, into: &bytes)
            put(0x27)
        }
    }

    /// `<name a='b'/>`.
    mutating func empty(_ name: String, _ attrs: [Attr] = []) {
        startLine()
        writeTag(name, attrs)
        put("/>\n")
        noteChild(name)
    }

    /// `<name>text</name>`.
    mutating func text(_ name: String, _ text: String) { self.text(name, [], text) }

    /// `<name a='b'>text</name>`.
    mutating func text(_ name: String, _ attrs: [Attr], _ text: String) {
        startLine()
        writeTag(name, attrs)
        put(0x3E)
        Self.escape(text, quotesAndControls: false, into: &bytes)
        put("</")
        put(name)
        put(">\n")
        noteChild(name)
    }

    /// `<name>raw</name>` with `raw` inserted unescaped (already XML).
    mutating func raw(_ name: String, _ raw: String) {
        startLine()
        put("<\(name)>" + raw + "</\(name)>\n")
        noteChild(name)
    }

    /// An element with children; printed as `<name/>` when `body` writes nothing. `extras`: what the input
    /// carried that the model did not read, written back in place (attributes after the known ones; each kept
    /// child after the sibling it followed in the input, or first, or at the end when that sibling is gone).
    /// Writes straight into `output` (no per-level copies); if nothing was written inside, the opening tag is
    /// rewritten as an empty element, unless `neverEmpty` (libvirt prints some elements open and closed always).
    mutating func element(
        _ name: String, _ attrs: [Attr] = [], extras: XMLExtras? = nil, neverEmpty: Bool = false,
        _ body: (inout XMLWriter) -> Void
    ) {
        let allAttrs = extras.map { attrs + $0.attributes.map { ($0.name, $0.value) } } ?? attrs
        let start = bytes.count
        startLine()
        writeTag(name, allAttrs)
        put(">\n")
        let afterOpen = bytes.count
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
        if bytes.count == afterOpen && !neverEmpty {
            bytes.removeSubrange(start...)
            empty(name, allAttrs)
            return
        }
        startLine()
        put("</")
        put(name)
        put(">\n")
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
                        Self.escape(t.trimmingWhitespace(), quotesAndControls: false, into: &w.bytes)
                        w.put(0x0A)
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
            put("<metadata/>\n")
        } else {
            put("<metadata>\n")
            for item in items {
                var out = String(repeating: "  ", count: depth + 1)
                Self.libxml(item, depth: depth + 1, pretty: true, into: &out)
                put(out)
                put(0x0A)
            }
            startLine()
            put("</metadata>\n")
        }
        noteChild("metadata")
    }

    /// One element as libxml2's formatted dump writes it (no leading indentation, no trailing newline).
    /// `pretty`: children may go on lines of their own, which libxml2 does unless an element holds text.
    static func libxml(_ e: KeptXML, depth: Int, pretty: Bool, into out: inout String) {
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
            case .text(let t): out += escapeText(t)
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
        var out: [UInt8] = []
        escape(s, quotesAndControls: false, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func escapeAttribute(_ s: String) -> String {
        var out: [UInt8] = []
        escape(s, quotesAndControls: true, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func needsEscaping(_ s: String, quotesAndControls: Bool) -> Bool {
        func special(_ b: UInt8) -> Bool {
            b == 0x26 || b == 0x3C || b == 0x3E || (quotesAndControls && (b == 0x27 || b == 0x22 || b < 0x20))
        }
        if let found = s.utf8.withContiguousStorageIfAvailable({ buffer in buffer.contains(where: special) }) {
            return found
        }
        return s.utf8.contains(where: special)
    }

    /// Attribute values also escape quotes and whitespace controls, which parsers would otherwise normalise.
    /// Byte by byte: every byte to escape is ASCII, and a multi-byte UTF-8 sequence never contains one (a CR LF
    /// pair becomes `&#13;&#10;` either way).
    private static func escape(_ s: String, quotesAndControls: Bool, into out: inout [UInt8]) {
        // Most values need no escaping at all: append them whole.
        if !needsEscaping(s, quotesAndControls: quotesAndControls) {
            out.append(contentsOf: s.utf8)
            return
        }
        for b in s.utf8 {
            switch b {
            case 0x26: out.append(contentsOf: "&amp;".utf8)
            case 0x3C: out.append(contentsOf: "&lt;".utf8)
            case 0x3E: out.append(contentsOf: "&gt;".utf8)
            case 0x27 where quotesAndControls: out.append(contentsOf: "&apos;".utf8)
            case 0x22 where quotesAndControls: out.append(contentsOf: "&quot;".utf8)
            case 0x0A where quotesAndControls: out.append(contentsOf: "&#10;".utf8)
            case 0x09 where quotesAndControls: out.append(contentsOf: "&#9;".utf8)
            case 0x0D where quotesAndControls: out.append(contentsOf: "&#13;".utf8)
            default: out.append(b)
            }
        }
    }
}
