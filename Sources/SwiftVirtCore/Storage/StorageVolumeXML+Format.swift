extension StorageVolumeXML {
    private static func writeTimestamps(_ t: StorageTimestamps, into w: inout XMLWriter) {
        w.element("timestamps") { w in
            w.text("atime", t.atime.text)
            w.text("mtime", t.mtime.text)
            w.text("ctime", t.ctime.text)
            w.text("btime", t.btime.text)
        }
    }

    /// The document `virsh vol-dumpxml` shows (virStorageVolDefFormat): the format element only for pool types
    /// that have volume formats.
    public static func format(_ v: StorageVolumeDefinition, poolType: StoragePoolDefinition.PoolType = .dir) -> String {
        let kind = formatKind(poolType)
        var w = XMLWriter()
        w.element("volume", [("type", (v.type ?? .file).rawValue)]) { w in
            w.text("name", v.name)
            if let key = v.key { w.text("key", key) }
            if !v.extents.isEmpty {
                w.element("source") { w in
                    var devices: [String] = []
                    for e in v.extents where devices.last != e.device { devices.append(e.device) }
                    for device in devices {
                        w.element("device", [("path", device)]) { w in
                            for e in v.extents where e.device == device {
                                w.empty("extent", [("start", String(e.start)), ("end", String(e.end))])
                            }
                        }
                    }
                }
            }
            StorageXMLReading.writeBytes("capacity", v.capacity ?? 0, into: &w)
            StorageXMLReading.writeBytes("allocation", v.allocation ?? 0, into: &w)
            if let physical = v.physical, physical > 0 { StorageXMLReading.writeBytes("physical", physical, into: &w) }
            w.element("target") { w in
                if let path = v.path { w.text("path", path) }
                writeFormat(kind, v.format, v.formatName, into: &w)
                if let p = v.permissions { StorageXMLReading.writePermissions(p, into: &w) }
                if let t = v.timestamps { writeTimestamps(t, into: &w) }
                if let e = v.encryption { e.write(into: &w) }
                if let compat = v.compat { w.text("compat", compat) }
                if let size = v.clusterSize, size > 0 { w.text("clusterSize", [("unit", "B")], String(size)) }
                if v.lazyRefcounts || v.extendedL2 {
                    w.element("features") { w in
                        if v.lazyRefcounts { w.empty("lazy_refcounts") }
                        if v.extendedL2 { w.empty("extended_l2") }
                    }
                } else if v.emptyFeatures {
                    w.empty("features")
                }
            }
            if let b = v.backingStore {
                w.element("backingStore") { w in
                    w.text("path", b.path)
                    writeFormat(kind, b.format, b.formatName, into: &w)
                    if let p = b.permissions { StorageXMLReading.writePermissions(p, into: &w) }
                    if let t = b.timestamps { writeTimestamps(t, into: &w) }
                }
            }
        }
        return w.output
    }

    private static func writeFormat(_ kind: FormatKind, _ file: VolumeFormat?, _ other: String?, into w: inout XMLWriter) {
        switch kind {
        case .none: return
        case .file: if let f = file { w.empty("format", [("type", f.rawValue)]) }
        case .partition: w.empty("format", [("type", other ?? "none")])
        }
    }
}
