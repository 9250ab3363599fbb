/// Pieces of `<pool>` and `<volume>` documents that both parsers read the same way.
enum StorageXMLReading {
    static func root(_ text: String, expected: String) throws(DomainXMLError) -> XMLElement {
        let root: XMLElement
        do {
            root = try XMLParser.parse(text)
        } catch {
            throw .malformed(line: error.position.line, column: error.position.column, message: error.message)
        }
        guard root.name == expected else {
            throw .invalidValue(
                element: root.name, attribute: nil, value: root.name, line: root.position.line,
                reason: "expected root element <\(expected)>")
        }
        return root
    }

    /// Marks an element read without looking at it (values libvirt reports but never reads back).
    static func ignore(_ r: inout ElementReader) {
        for a in r.element.attributes { _ = r.attribute(a.name) }
        _ = r.rawContent()
    }

    static func trimmed(_ r: inout ElementReader) -> String {
        r.text().trimmingWhitespace()
    }

    /// A scaled integer such as `<capacity unit='G'>10</capacity>`; the default unit is bytes.
    static func bytes(_ r: inout ElementReader) throws(DomainXMLError) -> UInt64 {
        let unit = r.string("unit") ?? "bytes"
        let text = trimmed(&r)
        guard let value = UInt64(text) else {
            throw .invalidValue(
                element: r.path, attribute: nil, value: text, line: r.line, reason: "expected a non-negative integer")
        }
        guard let scale = MemoryUnit.bytesPerUnit(unit == "B" ? "b" : unit) else {
            throw .invalidValue(
                element: r.path, attribute: "unit", value: unit, line: r.line, reason: "unknown unit")
        }
        let (result, overflow) = value.multipliedReportingOverflow(by: scale)
        if overflow {
            throw .invalidValue(element: r.path, attribute: nil, value: text, line: r.line, reason: "size overflows")
        }
        return result
    }

    static func permissions(_ r: inout ElementReader) throws(DomainXMLError) -> StoragePermissions {
        var p = StoragePermissions()
        if let mode = try r.child("mode", { c throws(DomainXMLError) in try number(&c, radix: 8, max: 0o7777) }) {
            p.mode = mode
        }
        // -1 means "the daemon's own id", which is what leaving the field out does.
        if let owner = try r.child("owner", { c throws(DomainXMLError) in try idNumber(&c) }) { p.owner = owner }
        if let group = try r.child("group", { c throws(DomainXMLError) in try idNumber(&c) }) { p.group = group }
        p.label = try r.childText("label")
        return p
    }

    private static func idNumber(_ r: inout ElementReader) throws(DomainXMLError) -> UInt32? {
        if trimmed(&r) == "-1" { return nil }
        return try number(&r, radix: 10, max: UInt32.max)
    }

    private static func number(_ r: inout ElementReader, radix: Int, max: UInt32) throws(DomainXMLError) -> UInt32 {
        let text = trimmed(&r)
        guard let v = UInt32(text, radix: radix), v <= max else {
            throw .invalidValue(
                element: r.path, attribute: nil, value: text, line: r.line,
                reason: radix == 8 ? "expected an octal mode" : "expected a non-negative integer")
        }
        return v
    }

    static func writePermissions(_ p: StoragePermissions, extras: XMLExtras? = nil, into w: inout XMLWriter) {
        w.element("permissions", extras: extras) { w in
            if let mode = p.mode { w.text("mode", "0" + String(mode, radix: 8)) }
            if let owner = p.owner { w.text("owner", String(owner)) }
            if let group = p.group { w.text("group", String(group)) }
            if let label = p.label { w.text("label", label) }
        }
    }

    static func writeBytes(_ name: String, _ value: UInt64, into w: inout XMLWriter) {
        w.text(name, [("unit", "bytes")], String(value))
    }
}
