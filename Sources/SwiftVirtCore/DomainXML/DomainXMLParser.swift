/// Turns `<domain>` text into a `DomainDefinition`, reading top-level elements here and devices in
/// `DeviceXMLParser`.
enum DomainXMLParser {
    static func parse(_ text: String) throws(DomainXMLError) -> DomainDefinition {
        let root: XMLElement
        do {
            root = try XMLParser.parse(text)
        } catch {
            throw .malformed(line: error.position.line, column: error.position.column, message: error.message)
        }
        guard root.name == "domain" else {
            throw .invalidValue(
                element: root.name, attribute: nil, value: root.name, line: root.position.line,
                reason: "expected root element <domain>")
        }
        // What the model does not read is kept, to be written back by `DomainXML.format` (see `XMLKeeper`).
        let keeper = XMLKeeper()
        var r = ElementReader(root, path: "domain", keeper: keeper, keyedPath: "domain")
        var d = DomainDefinition()
        d.virtType = try r.requiredEnumeration("type", unsupported: ["xen", "kqemu", "vbox", "hvf", "bhyve"])
        _ = r.string("id")  // a live id is meaningless in a definition; libvirt ignores it too
        d.name = try r.childText("name") ?? ""
        if d.name.isEmpty { throw .missing(element: "domain/name", attribute: nil, line: r.line) }
        d.sourceLines["name"] = line(of: "name", in: root)
        if let u = try r.child("uuid", { c throws(DomainXMLError) in try uuid(&c) }) { d.uuid = u }
        d.title = try r.childText("title")
        d.description = try r.childText("description")
        d.metadata = try r.child("metadata") { c throws(DomainXMLError) in c.metadataContent(scope: [root.attributes]) }
        guard let memory = try r.child("memory", { c throws(DomainXMLError) in try memoryKiB(&c) }) else {
            throw .missing(element: "domain/memory", attribute: nil, line: r.line)
        }
        d.memoryKiB = memory
        d.sourceLines["memory"] = line(of: "memory", in: root)
        d.currentMemoryKiB = try r.child("currentMemory") { c throws(DomainXMLError) in try memoryKiB(&c) } ?? 0
        d.sourceLines["currentMemory"] = line(of: "currentMemory", in: root)
        try r.child("vcpu") { c throws(DomainXMLError) in
            d.vcpuPlacement = try c.enumeration("placement")
            d.tuning.vcpuCPUSet = try DomainTuningXML.cpuset(&c, "cpuset")
            d.currentVcpus = try c.integer("current", in: 1...4096)
            let t = c.text().trimmingWhitespace()
            guard let n = Int(t), (1...4096).contains(n) else {
                throw .invalidValue(
                    element: c.path, attribute: nil, value: t, line: c.line, reason: "expected a vCPU count")
            }
            d.vcpus = n
        }
        d.sourceLines["vcpu"] = line(of: "vcpu", in: root)
        try DomainTuningXML.parse(&r, into: &d)
        d.sourceLines["maxMemory"] = line(of: "maxMemory", in: root)
        d.sysinfo = try r.children("sysinfo") { c throws(DomainXMLError) in try SysInfoXML.parse(&c) }
        guard let os = try r.child("os", { c throws(DomainXMLError) in try DomainOSXML.parse(&c) }) else {
            throw .missing(element: "domain/os", attribute: nil, line: r.line)
        }
        d.os = os
        d.sourceLines["os"] = line(of: "os", in: root)
        d.features = try r.child("features") { c throws(DomainXMLError) in try DomainOSXML.features(&c) } ?? .init()
        d.cpu = try r.child("cpu") { c throws(DomainXMLError) in try DomainOSXML.cpu(&c) }
        d.clock = try r.child("clock") { c throws(DomainXMLError) in try DomainOSXML.clock(&c) }
        d.onPoweroff = try lifecycle(&r, "on_poweroff") ?? .destroy
        d.onReboot = try lifecycle(&r, "on_reboot") ?? .restart
        d.onCrash = try lifecycle(&r, "on_crash") ?? .destroy
        d.pm = try r.child("pm") { c throws(DomainXMLError) in try DomainOSXML.pm(&c) }
        d.devices = try r.child("devices") { c throws(DomainXMLError) in try DeviceXMLParser.parse(&c) } ?? .init()
        d.seclabel = try r.child("seclabel") { c throws(DomainXMLError) in
            SecurityLabel(
                type: try c.requiredEnumeration("type", unsupported: ["dynamic", "static"]), model: c.string("model"))
        }
        try r.finish()
        d.kept = keeper.kept
        return d
    }

    private static func line(of name: String, in root: XMLElement) -> Int? {
        root.childElements.first { $0.name == name }?.position.line
    }

    private static func uuid(_ c: inout ElementReader) throws(DomainXMLError) -> DomainUUID {
        let t = c.text().trimmingWhitespace()
        guard let u = DomainUUID(string: t) else {
            throw .invalidValue(element: c.path, attribute: nil, value: t, line: c.line, reason: "malformed uuid")
        }
        return u
    }

    static func memoryKiB(_ c: inout ElementReader) throws(DomainXMLError) -> UInt64 {
        let unitAttr = c.attribute("unit")
        let t = c.text().trimmingWhitespace()
        guard let value = UInt64(t) else {
            throw .invalidValue(element: c.path, attribute: nil, value: t, line: c.line, reason: "expected an integer")
        }
        let unit = unitAttr?.value ?? "KiB"
        guard MemoryUnit.bytesPerUnit(unit) != nil else {
            throw .invalidValue(
                element: c.path, attribute: "unit", value: unit, line: c.line, reason: "unknown memory unit")
        }
        guard let kib = MemoryUnit.kibibytes(value, unit: unit), kib <= UInt64(Int64.max) / 1024 else {
            throw .invalidValue(element: c.path, attribute: nil, value: t, line: c.line, reason: "size is too large")
        }
        return kib
    }

    private static func lifecycle(_ r: inout ElementReader, _ name: String) throws(DomainXMLError) -> LifecycleAction? {
        try r.child(name) { c throws(DomainXMLError) in
            let t = c.text().trimmingWhitespace()
            guard let a = LifecycleAction(rawValue: t) else {
                throw .invalidValue(
                    element: c.path, attribute: nil, value: t, line: c.line, reason: "unknown lifecycle action")
            }
            return a
        }
    }
}
