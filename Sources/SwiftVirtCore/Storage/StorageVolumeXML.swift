/// `<volume>` text ↔ `StorageVolumeDefinition`, in libvirt's storage volume format. What a volume document may
/// say depends on its pool's type (virStorageVolOptions): file pools take image formats, disk pools partition
/// types, the others no format at all.
public enum StorageVolumeXML {
    public static let diskFormats = [
        "none", "linux", "fat16", "fat32", "linux-swap", "linux-lvm", "linux-raid", "extended",
    ]

    public enum FormatKind: Sendable { case file, partition, none }

    public static func formatKind(_ type: StoragePoolDefinition.PoolType) -> FormatKind {
        switch type {
        case .dir, .fs, .netfs, .gluster, .vstorage, .rbd: return .file
        case .disk: return .partition
        default: return .none
        }
    }

    /// Reads a volume document as libvirt's virStorageVolDefParseXML does for a pool of `poolType`
    /// (vol-create: capacity may be left out only when there is a backing store).
    /// `cloning`: vol-create-from, where the capacity comes from the source volume (VIR_VOL_XML_PARSE_NO_CAPACITY).
    public static func parse(
        _ text: String, poolType: StoragePoolDefinition.PoolType = .dir, cloning: Bool = false
    ) throws(StorageXMLError) -> StorageVolumeDefinition {
        let root = try StorageXMLError.reading { () throws(DomainXMLError) in
            try StorageXMLReading.root(text, expected: "volume")
        }
        var r = ElementReader(root, path: "volume")
        var raw = RawVolume()
        try StorageXMLError.reading { () throws(DomainXMLError) in try read(&r, &raw) }
        return try check(raw, poolType: poolType, line: root.position.line, cloning: cloning)
    }

    /// The document as written, before libvirt's checks.
    struct RawVolume {
        var type: String?
        var name: String?
        var capacity: (String, String?)?
        var allocation: (String, String?)?
        var format: String?
        var mode: String?
        var owner: String?
        var group: String?
        var label: String?
        var encryption: StorageEncryption?
        var compat: String?
        var nocow = false
        var clusterSize: (String, String?)?
        var features: [String]?
        var backingPath: String?
        var backingFormat: String?
        var lines: [String: Int] = [:]
    }

    private static func read(_ r: inout ElementReader, _ raw: inout RawVolume) throws(DomainXMLError) {
        raw.type = r.string("type")
        raw.name = try r.childText("name")
        _ = try r.childText("key")
        _ = try r.child("source") { c throws(DomainXMLError) in StorageXMLReading.ignore(&c) }
        func sized(_ c: inout ElementReader) -> (String, String?) { (c.text(), c.string("unit")) }
        raw.capacity = try r.child("capacity") { c throws(DomainXMLError) in sized(&c) }
        raw.allocation = try r.child("allocation") { c throws(DomainXMLError) in sized(&c) }
        _ = try r.child("physical") { c throws(DomainXMLError) in StorageXMLReading.ignore(&c) }
        try r.child("target") { t throws(DomainXMLError) in
            raw.lines["target"] = t.line
            _ = try t.childText("path")
            raw.format = try t.child("format") { f throws(DomainXMLError) in f.string("type") } ?? nil
            try t.child("permissions") { p throws(DomainXMLError) in
                raw.lines["permissions"] = p.line
                raw.mode = try p.childText("mode")
                raw.owner = try p.childText("owner")
                raw.group = try p.childText("group")
                raw.label = try p.childText("label")
                _ = p.extras()
            }
            _ = try t.child("timestamps") { c throws(DomainXMLError) in StorageXMLReading.ignore(&c) }
            raw.encryption = try t.child("encryption") { c throws(DomainXMLError) in try StorageEncryption.read(&c) }
            raw.compat = try t.childText("compat")
            raw.nocow = try t.flag("nocow")
            raw.clusterSize = try t.child("clusterSize") { c throws(DomainXMLError) in sized(&c) }
            raw.features = try t.child("features") { f throws(DomainXMLError) in
                raw.lines["features"] = f.line
                let names = f.element.childElements.map(\.name)
                _ = f.rawContent()
                return names
            }
            _ = t.extras()
        }
        try r.child("backingStore") { b throws(DomainXMLError) in
            raw.backingPath = try b.childText("path")
            raw.backingFormat = try b.child("format") { f throws(DomainXMLError) in f.string("type") } ?? nil
            _ = try b.child("permissions") { c throws(DomainXMLError) in StorageXMLReading.ignore(&c) }
            _ = try b.child("timestamps") { c throws(DomainXMLError) in StorageXMLReading.ignore(&c) }
            _ = b.extras()
        }
        // libvirt reads what it knows of a volume document and ignores the rest; nothing of it is stored.
        _ = r.extras()
    }

    private static func check(_ raw: RawVolume, poolType: StoragePoolDefinition.PoolType, line: Int, cloning: Bool)
        throws(StorageXMLError) -> StorageVolumeDefinition
    {
        guard let name = raw.name else { throw .xml("missing volume name element", "volume/name", line) }
        // libvirt's file pools refuse such names when they make the file; no pool here can use them.
        if name.contains("/") {
            throw StorageXMLError(.operationInvalid, "volume name '\(name)' cannot contain '/'", element: "volume/name", line: line)
        }
        var v = StorageVolumeDefinition(name: name)
        if let type = raw.type {
            guard let t = StorageVolumeDefinition.VolumeType(rawValue: type) else {
                throw .unsupported("unknown volume type '\(type)'", "volume", line)
            }
            v.type = t
        }
        let kind = formatKind(poolType)
        if let path = raw.backingPath {
            var store = StorageVolumeDefinition.BackingStore(path: path, format: nil)
            try setFormat(raw.backingFormat, kind: kind, line: line, file: &store.format, other: &store.formatName)
            v.backingStore = store
        }
        if let (text, unit) = raw.capacity {
            v.capacity = try size(text, unit, "volume/capacity", line)
        } else if v.backingStore == nil && !cloning {
            throw .xml("missing capacity element", "volume/capacity", line)
        }
        if let (text, unit) = raw.allocation { v.allocation = try size(text, unit, "volume/allocation", line) }
        try setFormat(raw.format, kind: kind, line: raw.lines["target"] ?? line, file: &v.format, other: &v.formatName)
        if raw.mode != nil || raw.owner != nil || raw.group != nil || raw.label != nil {
            v.permissions = try permissions(raw, line: raw.lines["permissions"] ?? line)
        }
        v.encryption = raw.encryption
        if let compat = raw.compat {
            let parts = compat.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ UInt32($0) != nil }) else {
                throw .xml("forbidden characters in 'compat' attribute", "volume/target/compat", raw.lines["target"])
            }
            v.compat = compat
        }
        v.nocow = raw.nocow
        if let (text, unit) = raw.clusterSize {
            v.clusterSize = try size(text, unit, "volume/target/clusterSize", raw.lines["target"] ?? line)
        }
        if let features = raw.features {
            if v.compat == nil { v.compat = "1.1" }
            v.emptyFeatures = features.isEmpty
            for feature in features {
                switch feature {
                case "lazy_refcounts": v.lazyRefcounts = true
                case "extended_l2": v.extendedL2 = true
                default:
                    throw .unsupported(
                        "unsupported feature \(feature)", "volume/target/features", raw.lines["features"] ?? line)
                }
            }
        }
        return v
    }

    private static func setFormat(
        _ name: String?, kind: FormatKind, line: Int, file: inout VolumeFormat?, other: inout String?
    ) throws(StorageXMLError) {
        switch kind {
        case .none: return
        case .file:
            let n = name ?? "raw"
            guard VolumeFormat.libvirtNames.contains(n), let f = VolumeFormat(rawValue: n) else {
                throw .unsupported("unknown volume format type \(n)", "volume/target/format", line)
            }
            file = f
        case .partition:
            let n = name ?? "none"
            guard diskFormats.contains(n) else {
                throw .unsupported("unknown volume format type \(n)", "volume/target/format", line)
            }
            other = n
        }
    }

    /// virStorageSize: a decimal count and an optional unit (bytes by default), at most 2^63-1 bytes.
    private static func size(_ text: String, _ unit: String?, _ element: String, _ line: Int?)
        throws(StorageXMLError) -> UInt64
    {
        guard let value = UInt64(text.trimmingWhitespace()) else {
            throw .xml("malformed capacity element", element, line)
        }
        let u = unit ?? ""
        guard let scale = u.isEmpty ? 1 : MemoryUnit.bytesPerUnit(u.lowercased() == "b" ? "b" : u) else {
            throw StorageXMLError(.invalidArg, "unknown suffix '\(u)'", element: element, line: line)
        }
        let (result, overflow) = value.multipliedReportingOverflow(by: scale)
        if overflow || result > UInt64(Int64.max) {
            throw StorageXMLError(.overflow, "value too large: \(value)\(u)", element: element, line: line)
        }
        return result
    }

    private static func permissions(_ raw: RawVolume, line: Int) throws(StorageXMLError) -> StoragePermissions {
        var p = StoragePermissions()
        let element = "volume/target/permissions"
        if let mode = raw.mode {
            guard let value = Int32(mode.trimmingWhitespace(), radix: 8), value >= 0, value & ~0o777 == 0 else {
                throw .xml("malformed octal mode", element + "/mode", line)
            }
            p.mode = UInt32(value)
        }
        for (text, name) in [(raw.owner, "owner"), (raw.group, "group")] {
            guard let text, text.trimmingWhitespace() != "-1" else { continue }
            guard let value = UInt32(text.trimmingWhitespace()) else {
                throw .xml("malformed \(name) element", element + "/" + name, line)
            }
            if name == "owner" { p.owner = value } else { p.group = value }
        }
        p.label = raw.label
        return p
    }
}
