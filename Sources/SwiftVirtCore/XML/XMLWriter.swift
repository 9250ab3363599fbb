/// Builds indented XML text the way libvirt prints it: two-space indent, single-quoted attributes,
/// empty elements as `<x/>`.
struct XMLWriter: ~Copyable {
    /// The UTF-8 written so far (appending bytes is several times cheaper than appending to a String: no
    /// breadcrumbs, no re-validation), and formatting is most of what an uncached XMLDesc costs.
    private var bytes = XMLBytes()
    var output: String { bytes.string }
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
    /// How many of `keptFrames` are not nil: without any, writing a child has nothing to look up.
    private var keptFrameCount = 0

    /// Kept children of an open element, waiting for the sibling they followed in the input.
    private struct KeptFrame {
        var pending: [XMLExtras.Element]
        var written: [String: Int] = [:]
    }

    /// One attribute; nil values are skipped so callers can pass optionals straight through.
    typealias Attr = (String, String?)

    init() {}

    private mutating func startLine() { bytes.appendSpaces(2 * depth) }

    @inline(__always)
    private mutating func writeTag(_ name: String, _ attrs: [Attr]) {
        bytes.append(0x3C)  // <
        bytes.append(name)
        for i in attrs.indices {
            guard let v = attrs[i].1 else { continue }
            bytes.append(0x20)
            bytes.append(attrs[i].0)
            bytes.append(literal: "='")
            bytes.appendEscaped(v, quotesAndControls: true)
            bytes.append(0x27)
        }
    }

    /// `<name a='b'/>`.
    @inline(__always)
    mutating func empty(_ name: String, _ attrs: [Attr] = []) {
        startLine()
        writeTag(name, attrs)
        bytes.append(literal: "/>\n")
        noteChild(name)
    }

    /// `<name>text</name>`.
    mutating func text(_ name: String, _ text: String) { self.text(name, [], text) }

    /// `<name a='b'>text</name>`.
    @inline(__always)
    mutating func text(_ name: String, _ attrs: [Attr], _ text: String) {
        startLine()
        writeTag(name, attrs)
        bytes.append(0x3E)
        bytes.appendEscaped(text, quotesAndControls: false)
        bytes.append(literal: "</")
        bytes.append(name)
        bytes.append(literal: ">\n")
        noteChild(name)
    }

    /// `<name>raw</name>` with `raw` inserted unescaped (already XML).
    mutating func raw(_ name: String, _ raw: String) {
        startLine()
        bytes.append(0x3C)
        bytes.append(name)
        bytes.append(0x3E)
        bytes.append(raw)
        bytes.append(literal: "</")
        bytes.append(name)
        bytes.append(literal: ">\n")
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
        bytes.append(literal: ">\n")
        let afterOpen = bytes.count
        depth += 1
        let hasKept = extras.map { !$0.elements.isEmpty } ?? false
        if let kept = extras?.elements, hasKept {
            keptFrames.append(KeptFrame(pending: kept))
            keptFrameCount += 1
            writeKept(after: nil)
        } else {
            keptFrames.append(nil)
        }
        body(&self)
        if hasKept, let frame = keptFrames.last, let rest = frame?.pending {
            keptFrames[keptFrames.count - 1]?.pending = []
            for kept in rest { write(kept.element) }
        }
        keptFrames.removeLast()
        if hasKept { keptFrameCount -= 1 }
        depth -= 1
        if bytes.count == afterOpen && !neverEmpty {
            bytes.truncate(to: start)
            empty(name, allAttrs)
            return
        }
        startLine()
        bytes.append(literal: "</")
        bytes.append(name)
        bytes.append(literal: ">\n")
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
                        w.bytes.appendEscaped(t.trimmingWhitespace(), quotesAndControls: false)
                        w.bytes.append(0x0A)
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
            bytes.append(literal: "<metadata/>\n")
        } else {
            bytes.append(literal: "<metadata>\n")
            for item in items {
                bytes.appendSpaces(2 * (depth + 1))
                Self.libxml(item, depth: depth + 1, pretty: true, into: &bytes)
                bytes.append(0x0A)
            }
            startLine()
            bytes.append(literal: "</metadata>\n")
        }
        noteChild("metadata")
    }

    /// A child element `name` of the open element was written: the kept elements that followed it come next.
    private mutating func noteChild(_ name: String) {
        guard keptFrameCount > 0, let last = keptFrames.indices.last, keptFrames[last] != nil else { return }
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
}
