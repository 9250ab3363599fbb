extension StoragePoolXML {
    /// The document `virsh pool-dumpxml` shows, in libvirt's order; `usage` is nil for an inactive pool (sizes
    /// print as 0). Kept subtrees and unread content come back where they were.
    public static func format(_ pool: StoragePoolDefinition, usage: StoragePoolUsage?) -> String {
        var w = XMLWriter()
        let kept = pool.kept
        var attrs: [XMLWriter.Attr] = [("type", pool.type.rawValue)]
        if !pool.mountOptions.isEmpty { attrs.append(("xmlns:fs", fsNamespace)) }
        if !pool.rbdOptions.isEmpty { attrs.append(("xmlns:rbd", rbdNamespace)) }
        w.element("pool", attrs, extras: kept[""]) { w in
            text(&w, "name", pool.name, kept["name"])
            text(&w, "uuid", pool.uuid.description, kept["uuid"])
            StorageXMLReading.writeBytes("capacity", usage?.capacity ?? 0, into: &w)
            StorageXMLReading.writeBytes("allocation", usage?.allocation ?? 0, into: &w)
            StorageXMLReading.writeBytes("available", usage?.available ?? 0, into: &w)
            if pool.cow != nil || kept["features"] != nil {
                w.element("features", extras: kept["features"]) { w in
                    if let cow = pool.cow { leaf(&w, "cow", [("state", cow ? "yes" : "no")], kept["features/cow"]) }
                }
            }
            writeSource(pool.source, kept: kept, into: &w)
            if pool.type.hasTarget {
                w.element("target", extras: kept["target"]) { w in
                    text(&w, "path", pool.targetPath, kept["target/path"])
                    if let p = pool.permissions {
                        StorageXMLReading.writePermissions(p, extras: kept["target/permissions"], into: &w)
                    }
                }
            }
            if let refresh = pool.refresh { w.write(refresh) }
            if !pool.mountOptions.isEmpty {
                w.element("fs:mount_opts", extras: kept["mount_opts"]) { w in
                    for option in pool.mountOptions { leaf(&w, "fs:option", [("name", option)], kept["mount_opts/option"]) }
                }
            }
            if !pool.rbdOptions.isEmpty {
                w.element("rbd:config_opts", extras: kept["config_opts"]) { w in
                    for o in pool.rbdOptions {
                        leaf(&w, "rbd:option", [("name", o.name), ("value", o.value)], kept["config_opts/option"])
                    }
                }
            }
        }
        return w.output
    }

    /// `<source>`: hosts, devices, dir, adapter, name, initiator, format, auth, protocol, vendor, product, as
    /// libvirt's virStoragePoolSourceFormat writes them.
    static func writeSource(_ s: StoragePoolSource, kept: [String: XMLExtras], into w: inout XMLWriter) {
        w.element("source", extras: kept["source"]) { w in
            for (i, host) in s.hosts.enumerated() {
                leaf(&w, "host", [("name", host.name), ("port", host.port.map(String.init))], kept["source/host#\(i)"])
            }
            for (i, device) in s.devices.enumerated() {
                let attrs: [XMLWriter.Attr] = [
                    ("path", device.path), ("part_separator", device.partSeparator.map { $0 ? "yes" : "no" }),
                ]
                w.element("device", attrs, extras: kept["source/device#\(i)"]) { w in
                    for e in device.freeExtents {
                        w.empty("freeExtent", [("start", String(e.start)), ("end", String(e.end))])
                    }
                }
            }
            if let dir = s.dir { leaf(&w, "dir", [("path", dir)], kept["source/dir"]) }
            if let adapter = s.adapter { w.write(adapter) }
            if let name = s.name { text(&w, "name", name, kept["source/name"]) }
            if let initiator = s.initiator { w.write(initiator) }
            if let format = s.format { leaf(&w, "format", [("type", format)], kept["source/format"]) }
            if let auth = s.auth { w.write(auth) }
            if let version = s.protocolVersion { leaf(&w, "protocol", [("ver", version)], kept["source/protocol"]) }
            if let vendor = s.vendor { w.write(vendor) }
            if let product = s.product { w.write(product) }
        }
    }

    /// An element without text, with what it carried beyond `attrs` written back.
    static func leaf(_ w: inout XMLWriter, _ name: String, _ attrs: [XMLWriter.Attr], _ kept: XMLExtras?) {
        if let kept {
            w.element(name, attrs, extras: kept) { _ in }
        } else {
            w.empty(name, attrs)
        }
    }

    /// A text element, with the attributes it carried that the model does not read.
    static func text(_ w: inout XMLWriter, _ name: String, _ text: String, _ kept: XMLExtras?) {
        w.text(name, kept?.attributes.map { ($0.name, $0.value) } ?? [], text)
    }
}

extension StoragePoolXML {
    /// One `<source>` element alone (find-storage-pool-sources answers).
    public static func sourceXML(_ source: StoragePoolSource) -> String {
        var w = XMLWriter()
        writeSource(source, kept: [:], into: &w)
        return w.output
    }

    /// A `<source>` document as find-storage-pool-sources takes it (its hosts, devices, dir, name, format).
    public static func parseSource(_ text: String) throws(StorageXMLError) -> StoragePoolSource {
        let wrapped = "<pool type='netfs'><name>x</name>" + text + "<target><path>/x</path></target></pool>"
        var reader = StoragePoolReader(root: try StorageXMLError.reading { () throws(DomainXMLError) in
            try XMLParserBridge.parse(wrapped)
        })
        return try reader.read().source
    }
}

/// XML parse errors in the storage parsers' form.
enum XMLParserBridge {
    static func parse(_ text: String) throws(DomainXMLError) -> XMLElement {
        try StorageXMLReading.root(text, expected: "pool")
    }
}
