/// `<pool>` text ↔ `StoragePoolDefinition`, in libvirt's storage pool format, for every pool type. Reading is in
/// two steps, as libvirt's parser: the document's structure (`StoragePoolReader`, nothing unread is dropped), then
/// libvirt's semantic checks and defaults (`StoragePoolValidation`), refusing what libvirt refuses with its code.
public enum StoragePoolXML {
    static let fsNamespace = "http://libvirt.org/schemas/storagepool/fs/1.0"
    static let rbdNamespace = "http://libvirt.org/schemas/storagepool/rbd/1.0"

    public static func parse(_ text: String) throws(StorageXMLError) -> StoragePoolDefinition {
        let root = try StorageXMLError.reading { () throws(DomainXMLError) in
            try StorageXMLReading.root(text, expected: "pool")
        }
        var reader = StoragePoolReader(root: root)
        var def = try reader.read()
        try StoragePoolValidation(lines: reader.lines, raw: reader.raw).check(&def)
        return def
    }

    /// libvirt's virFileSanitizePath: repeated slashes squashed (a leading `//` kept), no trailing slash.
    public static func sanitized(_ path: String) -> String {
        // URIs are left alone (two slashes may name another resource there).
        let utf8 = Array(path.utf8)
        if let uri = (0..<max(0, utf8.count - 2)).first(where: { utf8[$0] == 58 && utf8[$0 + 1] == 47 && utf8[$0 + 2] == 47 }),
            let slash = utf8.firstIndex(of: 47), slash > uri
        {
            return path
        }
        var out = ""
        var chars = Substring(path)
        if chars.hasPrefix("//") && !chars.hasPrefix("///") {
            out = "//"
            chars = chars.dropFirst(2)
        }
        while let c = chars.first {
            if c != "/" {
                out.append(c)
                chars = chars.dropFirst()
                continue
            }
            while chars.first == "/" { chars = chars.dropFirst() }
            if !out.isEmpty && chars.isEmpty { break }
            out.append("/")
        }
        return out
    }
}

/// Values as written, before libvirt's checks give them meaning (attribute texts that may be invalid).
struct StoragePoolRawValues {
    var uuid: String?
    var cowState: String?
    var ports: [String?] = []
    var partSeparators: [String?] = []
    var devicePathMissing = false
    var hostNameMissing = false
    var format: String?
    var targetPath: String?
    var mode: String?
    var owner: String?
    var group: String?
    var refreshAllocation: String?
    var mountOptionNameMissing = false
    var rbdOptionMissing: String?
    var hasSource = false
}

/// The structural read of a `<pool>` document: typed values where the model has them, the rest kept.
struct StoragePoolReader {
    let root: XMLElement
    /// Source lines of the elements read, by path, for error messages.
    var lines: [String: Int] = [:]
    var raw = StoragePoolRawValues()
    private var kept: [String: XMLExtras] = [:]

    init(root: XMLElement) { self.root = root }

    mutating func read() throws(StorageXMLError) -> StoragePoolDefinition {
        var r = ElementReader(root, path: "pool")
        lines["pool"] = root.position.line
        guard let typeAttribute = r.attribute("type") else {
            throw .xml("Missing required attribute 'type' in element 'pool'", "pool", root.position.line)
        }
        guard let type = StoragePoolDefinition.PoolType(rawValue: typeAttribute.value) else {
            throw .xml(
                "Invalid value for attribute 'type' in element 'pool': '\(typeAttribute.value)'.", "pool",
                typeAttribute.position.line)
        }
        var def = StoragePoolDefinition(type: type, name: "", targetPath: "")
        try StorageXMLError.reading { () throws(DomainXMLError) in try readPool(&r, &def) }
        def.kept = kept
        return def
    }

    private mutating func keep(_ r: inout ElementReader, _ key: String) {
        let extras = r.extras()
        if !extras.isEmpty { kept[key] = extras }
    }

    private mutating func readPool(_ r: inout ElementReader, _ def: inout StoragePoolDefinition)
        throws(DomainXMLError)
    {
        def.name = try r.child("name") { c throws(DomainXMLError) in
            lines["pool/name"] = c.line
            let t = c.text()
            keep(&c, "name")
            return t
        } ?? ""
        raw.uuid = try r.child("uuid") { c throws(DomainXMLError) in
            lines["pool/uuid"] = c.line
            let t = c.text()
            keep(&c, "uuid")
            return t
        }
        // Live sizes are reported, never configured: libvirt does not read them.
        for ignored in ["capacity", "allocation", "available"] {
            _ = try r.child(ignored) { c throws(DomainXMLError) in StorageXMLReading.ignore(&c) }
        }
        try r.child("features") { f throws(DomainXMLError) in
            try f.child("cow") { c throws(DomainXMLError) in
                lines["pool/features/cow"] = c.line
                raw.cowState = c.string("state")
                keep(&c, "features/cow")
            }
            keep(&f, "features")
        }
        try r.child("source") { s throws(DomainXMLError) in
            raw.hasSource = true
            lines["pool/source"] = s.line
            def.source = try readSource(&s)
        }
        if def.type.hasTarget {
            try r.child("target") { t throws(DomainXMLError) in
                lines["pool/target"] = t.line
                raw.targetPath = try t.child("path") { p throws(DomainXMLError) in
                    lines["pool/target/path"] = p.line
                    let text = p.text()
                    keep(&p, "target/path")
                    return text
                }
                try t.child("permissions") { p throws(DomainXMLError) in
                    lines["pool/target/permissions"] = p.line
                    def.permissions = try readPermissions(&p, key: "target/permissions")
                }
                keep(&t, "target")
            }
        }
        def.refresh = try r.child("refresh") { c throws(DomainXMLError) in
            lines["pool/refresh"] = c.line
            let kept = KeptXML(c.element)
            raw.refreshAllocation = c.element.childElements.first { $0.name == "volume" }?[attribute: "allocation"]
            _ = c.rawContent()
            for a in c.element.attributes { _ = c.attribute(a.name) }
            return kept
        }
        try readNamespaces(&r, &def)
        keep(&r, "")
    }

    /// `<fs:mount_opts>` (fs, netfs) and `<rbd:config_opts>` (rbd), under whatever prefix the document binds
    /// libvirt's namespace to.
    private mutating func readNamespaces(_ r: inout ElementReader, _ def: inout StoragePoolDefinition)
        throws(DomainXMLError)
    {
        func prefix(for uri: String, _ r: inout ElementReader) -> String? {
            guard let a = root.attributes.first(where: { $0.name.hasPrefix("xmlns:") && $0.value == uri }) else {
                return nil
            }
            _ = r.attribute(a.name)
            return String(a.name.dropFirst("xmlns:".count))
        }
        if def.type == .fs || def.type == .netfs, let p = prefix(for: StoragePoolXML.fsNamespace, &r) {
            try r.child("\(p):mount_opts") { m throws(DomainXMLError) in
                def.mountOptions = try m.children("\(p):option") { o throws(DomainXMLError) in
                    let name = o.string("name")
                    if name == nil { raw.mountOptionNameMissing = true }
                    keep(&o, "mount_opts/option")
                    return name ?? ""
                }
                keep(&m, "mount_opts")
            }
        }
        if def.type == .rbd, let p = prefix(for: StoragePoolXML.rbdNamespace, &r) {
            try r.child("\(p):config_opts") { m throws(DomainXMLError) in
                def.rbdOptions = try m.children("\(p):option") { o throws(DomainXMLError) in
                    let name = o.string("name")
                    let value = o.string("value")
                    if name == nil { raw.rbdOptionMissing = "name" } else if value == nil { raw.rbdOptionMissing = "value" }
                    keep(&o, "config_opts/option")
                    return .init(name: name ?? "", value: value ?? "")
                }
                keep(&m, "config_opts")
            }
        }
    }

    private mutating func readSource(_ s: inout ElementReader) throws(DomainXMLError) -> StoragePoolSource {
        var source = StoragePoolSource()
        source.hosts = try s.children("host") { h throws(DomainXMLError) in
            let name = h.string("name")
            if name == nil { raw.hostNameMissing = true }
            lines["pool/source/host"] = lines["pool/source/host"] ?? h.line
            raw.ports.append(h.string("port"))
            keep(&h, "source/host#\(raw.ports.count - 1)")
            return StoragePoolSource.Host(name: name ?? "")
        }
        source.devices = try s.children("device") { d throws(DomainXMLError) in
            let path = d.string("path")
            if path == nil { raw.devicePathMissing = true }
            lines["pool/source/device"] = lines["pool/source/device"] ?? d.line
            raw.partSeparators.append(d.string("part_separator"))
            // Free extents are the backend's report; libvirt does not read them back.
            _ = try d.children("freeExtent") { e throws(DomainXMLError) in
                StorageXMLReading.ignore(&e)
            }
            keep(&d, "source/device#\(raw.partSeparators.count - 1)")
            return StoragePoolSource.Device(path: path ?? "")
        }
        source.dir = try s.child("dir") { d throws(DomainXMLError) in
            lines["pool/source/dir"] = d.line
            let path = d.string("path")
            keep(&d, "source/dir")
            return path
        } ?? nil
        source.adapter = try kept(&s, "adapter")
        source.name = try s.child("name") { n throws(DomainXMLError) in
            lines["pool/source/name"] = n.line
            let t = n.text()
            keep(&n, "source/name")
            return t
        }
        source.initiator = try kept(&s, "initiator")
        try s.child("format") { f throws(DomainXMLError) in
            lines["pool/source/format"] = f.line
            raw.format = f.string("type")
            keep(&f, "source/format")
        }
        source.auth = try kept(&s, "auth")
        source.protocolVersion = try s.child("protocol") { p throws(DomainXMLError) in
            lines["pool/source/protocol"] = p.line
            let v = p.string("ver")
            keep(&p, "source/protocol")
            return v
        } ?? nil
        source.vendor = try kept(&s, "vendor")
        source.product = try kept(&s, "product")
        keep(&s, "source")
        return source
    }

    /// A child kept whole as written (libvirt formats it, no backend here reads it).
    private mutating func kept(_ r: inout ElementReader, _ name: String) throws(DomainXMLError) -> KeptXML? {
        try r.child(name) { c throws(DomainXMLError) in
            lines["pool/source/" + name] = c.line
            for a in c.element.attributes { _ = c.attribute(a.name) }
            _ = c.rawContent()
            return KeptXML(c.element)
        }
    }

    private mutating func readPermissions(_ p: inout ElementReader, key: String) throws(DomainXMLError)
        -> StoragePermissions
    {
        var perms = StoragePermissions()
        raw.mode = try p.childText("mode")
        raw.owner = try p.childText("owner")
        raw.group = try p.childText("group")
        perms.label = try p.childText("label")
        keep(&p, key)
        return perms
    }
}
