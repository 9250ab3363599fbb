/// `<pool>` text ↔ `StoragePoolDefinition`, in libvirt's storage pool format.
public enum StoragePoolXML {
    public static func parse(_ text: String) throws(DomainXMLError) -> StoragePoolDefinition {
        let root = try StorageXMLReading.root(text, expected: "pool")
        var r = ElementReader(root, path: "pool")
        let type: StoragePoolDefinition.PoolType = try r.requiredEnumeration("type")
        guard let name = try r.childText("name")?.trimmingWhitespace(), !name.isEmpty
        else { throw .missing(element: "pool/name", attribute: nil, line: r.line) }
        if name.contains("/") {
            throw .invalidValue(
                element: "pool/name", attribute: nil, value: name, line: r.line, reason: "name must not contain '/'")
        }
        let uuid = try r.child("uuid") { c throws(DomainXMLError) -> DomainUUID in
            let t = StorageXMLReading.trimmed(&c)
            guard let u = DomainUUID(string: t) else {
                throw .invalidValue(
                    element: "pool/uuid", attribute: nil, value: t, line: c.line, reason: "malformed uuid")
            }
            return u
        }
        // Live sizes are reported, never configured; libvirt ignores them on input too.
        for ignored in ["capacity", "allocation", "available"] {
            _ = try r.child(ignored) { c throws(DomainXMLError) in try StorageXMLReading.bytes(&c) }
        }
        if type != .dir {
            throw .unsupported(
                element: "pool", attribute: "type", line: root.position.line,
                detail: "storage pool type '\(type.rawValue)' is not supported (SwiftVirt serves only 'dir' pools)")
        }
        try r.child("source") { _ throws(DomainXMLError) in }
        var path: String?
        var permissions: StoragePermissions?
        try r.child("target") { t throws(DomainXMLError) in
            path = try t.childText("path")?.trimmingWhitespace()
            permissions = try t.child("permissions") { p throws(DomainXMLError) in
                try StorageXMLReading.permissions(&p)
            }
        }
        guard let path, !path.isEmpty else { throw .missing(element: "pool/target/path", attribute: nil, line: r.line) }
        guard path.hasPrefix("/") else {
            throw .invalidValue(
                element: "pool/target/path", attribute: nil, value: path, line: r.line,
                reason: "must be an absolute path")
        }
        try r.finish()
        return StoragePoolDefinition(
            type: type, name: name, uuid: uuid ?? .random(), targetPath: normalized(path), permissions: permissions)
    }

    /// libvirt strips trailing slashes so that volume paths are stable.
    static func normalized(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }

    /// The document `virsh pool-dumpxml` shows; `usage` is nil for an inactive pool (sizes print as 0).
    public static func format(_ pool: StoragePoolDefinition, usage: StoragePoolUsage?) -> String {
        var w = XMLWriter()
        w.element("pool", [("type", pool.type.rawValue)]) { w in
            w.text("name", pool.name)
            w.text("uuid", pool.uuid.description)
            StorageXMLReading.writeBytes("capacity", usage?.capacity ?? 0, into: &w)
            StorageXMLReading.writeBytes("allocation", usage?.allocation ?? 0, into: &w)
            StorageXMLReading.writeBytes("available", usage?.available ?? 0, into: &w)
            w.empty("source")
            w.element("target") { w in
                w.text("path", pool.targetPath)
                if let p = pool.permissions { StorageXMLReading.writePermissions(p, into: &w) }
            }
        }
        return w.output
    }
}
