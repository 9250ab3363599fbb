/// `<volume>` text ↔ `StorageVolumeDefinition`, in libvirt's storage volume format (file volumes).
public enum StorageVolumeXML {
    public static func parse(_ text: String) throws(DomainXMLError) -> StorageVolumeDefinition {
        let root = try StorageXMLReading.root(text, expected: "volume")
        var r = ElementReader(root, path: "volume")
        if let a = r.attribute("type"), a.value != "file" {
            throw .unsupported(
                element: "volume", attribute: "type", line: a.position.line,
                detail: "volume type '\(a.value)' is not supported (directory pools hold 'file' volumes)")
        }
        guard let name = try r.childText("name")?.trimmingWhitespace(), !name.isEmpty
        else { throw .missing(element: "volume/name", attribute: nil, line: r.line) }
        if name.contains("/") || name == "." || name == ".." {
            throw .invalidValue(
                element: "volume/name", attribute: nil, value: name, line: r.line,
                reason: "a volume name must be a plain file name")
        }
        var v = StorageVolumeDefinition(name: name)
        v.key = try r.childText("key")
        try r.child("source") { _ throws(DomainXMLError) in }
        v.capacity = try r.child("capacity") { c throws(DomainXMLError) in try StorageXMLReading.bytes(&c) }
        v.allocation = try r.child("allocation") { c throws(DomainXMLError) in try StorageXMLReading.bytes(&c) }
        v.physical = try r.child("physical") { c throws(DomainXMLError) in try StorageXMLReading.bytes(&c) }
        try r.child("target") { t throws(DomainXMLError) in
            v.path = try t.childText("path")
            v.format = try t.child("format") { f throws(DomainXMLError) in try format(&f) }
            v.permissions = try t.child("permissions") { p throws(DomainXMLError) in
                try StorageXMLReading.permissions(&p)
            }
            _ = try t.child("timestamps") { c throws(DomainXMLError) in c.rawContent() }
            v.compat = try t.childText("compat")
            if let compat = v.compat, !["0.10", "1.1"].contains(compat) {
                throw .invalidValue(
                    element: "volume/target/compat", attribute: nil, value: compat, line: t.line,
                    reason: "expected '0.10' or '1.1'")
            }
            _ = try t.child("clusterSize") { c throws(DomainXMLError) in try StorageXMLReading.bytes(&c) }
            try t.child("features") { f throws(DomainXMLError) in v.lazyRefcounts = try f.flag("lazy_refcounts") }
            if try t.child("encryption", { c throws(DomainXMLError) in c.rawContent() }) != nil {
                throw .unsupported(
                    element: "volume/target/encryption", attribute: nil, line: t.line,
                    detail: "encrypted volumes are not supported")
            }
        }
        v.backingStore = try r.child("backingStore") {
            b throws(DomainXMLError) -> StorageVolumeDefinition.BackingStore in
            guard let path = try b.childText("path")?.trimmingWhitespace(), !path.isEmpty
            else { throw .missing(element: "volume/backingStore/path", attribute: nil, line: b.line) }
            let f = try b.child("format") { f throws(DomainXMLError) in try format(&f) }
            _ = try b.child("permissions") { p throws(DomainXMLError) in try StorageXMLReading.permissions(&p) }
            _ = try b.child("timestamps") { c throws(DomainXMLError) in c.rawContent() }
            return .init(path: path, format: f)
        }
        try r.finish()
        return v
    }

    private static func format(_ r: inout ElementReader) throws(DomainXMLError) -> VolumeFormat {
        try r.requiredEnumeration("type")
    }

    private static func writeTimestamps(_ t: StorageTimestamps, into w: inout XMLWriter) {
        w.element("timestamps") { w in
            w.text("atime", t.atime.text)
            w.text("mtime", t.mtime.text)
            w.text("ctime", t.ctime.text)
            w.text("btime", t.btime.text)
        }
    }

    /// The document `virsh vol-dumpxml` shows.
    public static func format(_ v: StorageVolumeDefinition) -> String {
        var w = XMLWriter()
        w.element("volume", [("type", "file")]) { w in
            w.text("name", v.name)
            if let key = v.key { w.text("key", key) }
            StorageXMLReading.writeBytes("capacity", v.capacity ?? 0, into: &w)
            StorageXMLReading.writeBytes("allocation", v.allocation ?? 0, into: &w)
            if let physical = v.physical { StorageXMLReading.writeBytes("physical", physical, into: &w) }
            w.element("target") { w in
                if let path = v.path { w.text("path", path) }
                if let f = v.format { w.empty("format", [("type", f.rawValue)]) }
                if let p = v.permissions { StorageXMLReading.writePermissions(p, into: &w) }
                if let t = v.timestamps { writeTimestamps(t, into: &w) }
                if let compat = v.compat { w.text("compat", compat) }
                if v.lazyRefcounts { w.element("features") { $0.empty("lazy_refcounts") } }
            }
            if let b = v.backingStore {
                w.element("backingStore") { w in
                    w.text("path", b.path)
                    if let f = b.format { w.empty("format", [("type", f.rawValue)]) }
                    if let p = b.permissions { StorageXMLReading.writePermissions(p, into: &w) }
                    if let t = b.timestamps { writeTimestamps(t, into: &w) }
                }
            }
        }
        return w.output
    }
}
