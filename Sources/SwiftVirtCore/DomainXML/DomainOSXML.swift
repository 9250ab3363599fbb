/// Parsing of `<os>`, `<features>`, `<cpu>`, `<clock>` and `<pm>`.
enum DomainOSXML {
    static func parse(_ r: inout ElementReader) throws(DomainXMLError) -> DomainOS {
        var os = DomainOS()
        try r.child("type") { c throws(DomainXMLError) in
            os.arch = c.string("arch")
            os.machine = c.string("machine")
            let t = c.text().trimmingWhitespace()
            guard t == "hvm" else {
                throw .unsupported(
                    element: c.path, attribute: nil, line: c.line, detail: "os type '\(t)' is not supported")
            }
            os.type = t
        }
        if let arch = os.arch, arch != "x86_64", arch != "i686" {
            throw .unsupported(element: "os/type", attribute: "arch", line: r.line, detail: "architecture '\(arch)'")
        }
        try FirmwareXML.parse(&r, into: &os)
        os.kernel = try r.childText("kernel")
        os.initrd = try r.childText("initrd")
        os.cmdline = try r.childText("cmdline")
        os.bootDevices = try r.children("boot") { c throws(DomainXMLError) in try c.requiredEnumeration("dev") }
        os.bootMenu = try r.child("bootmenu") { c throws(DomainXMLError) in
            guard let enable = try c.yesNo("enable") else {
                throw .missing(element: c.path, attribute: "enable", line: c.line)
            }
            return BootMenu(enable: enable, timeout: try c.integer("timeout", in: 0...65535))
        }
        os.smbiosMode = try r.child("smbios") { c throws(DomainXMLError) in
            try c.requiredEnumeration("mode", as: SMBIOSMode.self)
        }
        try r.child("bios") { c throws(DomainXMLError) in
            os.biosUseSerial = try c.yesNo("useserial")
            os.biosRebootTimeout = try c.integer("rebootTimeout", in: -1...65535)
        }
        os.slicTable = try r.child("acpi") { c throws(DomainXMLError) -> String? in
            try c.child("table") { t throws(DomainXMLError) -> String in
                _ = try t.requiredEnumeration("type", as: ACPITableType.self)
                return t.text().trimmingWhitespace()
            }
        } ?? nil
        return os
    }

    private enum ACPITableType: String, CaseIterable { case slic }

    static func features(_ r: inout ElementReader) throws(DomainXMLError) -> DomainFeatures {
        var f = DomainFeatures()
        f.acpi = try r.flag("acpi")
        if let eoi = try r.child("apic", { c throws(DomainXMLError) in try c.enumeration("eoi", as: OnOff.self) }) {
            f.apic = true
            f.apicEOI = eoi
        } else {
            f.apic = try r.flag("apic")
        }
        f.pae = try r.flag("pae")
        f.hap = try switchFeature(&r, "hap")
        f.hyperv = try r.child("hyperv") { c throws(DomainXMLError) in try hyperv(&c) }
        f.kvm = try r.child("kvm") { c throws(DomainXMLError) in try kvmFeatures(&c) } ?? []
        f.pvspinlock = try switchFeature(&r, "pvspinlock")
        f.pmu = try switchFeature(&r, "pmu")
        f.vmport = try switchFeature(&r, "vmport")
        f.smm = try switchFeature(&r, "smm")
        f.ioapic = try r.child("ioapic") { c throws(DomainXMLError) in
            try c.requiredEnumeration("driver", as: DomainFeatures.IOAPICDriver.self)
        }
        f.vmcoreinfo = try switchFeature(&r, "vmcoreinfo")
        return f
    }

    /// A feature with an optional `state` (absent means on, as libvirt reads it).
    private static func switchFeature(_ r: inout ElementReader, _ name: String) throws(DomainXMLError) -> OnOff? {
        try r.child(name) { c throws(DomainXMLError) in try c.enumeration("state", as: OnOff.self) ?? .on }
    }

    private static func hyperv(_ r: inout ElementReader) throws(DomainXMLError) -> DomainFeatures.HyperV {
        var h = DomainFeatures.HyperV(mode: try r.enumeration("mode") ?? .custom)
        for name in DomainFeatures.HyperV.Name.allCases {
            let feature = try r.child(name.rawValue) { c throws(DomainXMLError) -> DomainFeatures.HyperV.Feature in
                var f = DomainFeatures.HyperV.Feature(name: name, state: try c.requiredEnumeration("state"))
                switch name {
                case .spinlocks where f.state == .on:
                    let retries = try c.requiredInteger("retries", in: 0...Int(UInt32.max))
                    if retries < 4095 {
                        throw .invalidValue(
                            element: c.path, attribute: "retries", value: String(retries), line: c.line,
                            reason: "HyperV spinlock retry count must be at least 4095")
                    }
                    f.retries = retries
                case .vendorID where f.state == .on:
                    let value = try c.requiredString("value")
                    if value.count > 12 {
                        throw .invalidValue(
                            element: c.path, attribute: "value", value: value, line: c.line,
                            reason: "vendor_id must be at most 12 characters")
                    }
                    f.value = value
                case .stimer:
                    f.direct = try c.child("direct") { d throws(DomainXMLError) in try d.requiredEnumeration("state") }
                default:
                    break
                }
                return f
            }
            if let feature { h.features.append(feature) }
        }
        return h
    }

    private static func kvmFeatures(_ r: inout ElementReader) throws(DomainXMLError) -> [DomainFeatures.KVMFeature] {
        var out: [DomainFeatures.KVMFeature] = []
        for name in DomainFeatures.KVMFeature.Name.allCases {
            let feature = try r.child(name.rawValue) { c throws(DomainXMLError) -> DomainFeatures.KVMFeature in
                var f = DomainFeatures.KVMFeature(name: name, state: try c.requiredEnumeration("state"))
                if name == .dirtyRing, f.state == .on {
                    let size = try c.requiredInteger("size", in: 1024...65536)
                    if size & (size - 1) != 0 {
                        throw .invalidValue(
                            element: c.path, attribute: "size", value: String(size), line: c.line,
                            reason: "dirty ring size must be a power of two")
                    }
                    f.size = size
                }
                return f
            }
            if let feature { out.append(feature) }
        }
        return out
    }

    static func cpu(_ r: inout ElementReader) throws(DomainXMLError) -> DomainCPU {
        var cpu = DomainCPU(mode: try r.enumeration("mode"))
        cpu.match = try r.enumeration("match")
        cpu.check = try r.enumeration("check")
        cpu.migratable = try r.enumeration("migratable")
        cpu.model = try r.child("model") { c throws(DomainXMLError) in
            DomainCPU.Model(
                name: c.text().trimmingWhitespace(), fallback: try c.enumeration("fallback"))
        }
        cpu.topology = try r.child("topology") { c throws(DomainXMLError) in
            DomainCPU.Topology(
                sockets: try c.requiredInteger("sockets", in: 1...4096), dies: try c.integer("dies", in: 1...4096),
                cores: try c.requiredInteger("cores", in: 1...4096),
                threads: try c.requiredInteger("threads", in: 1...4096))
        }
        cpu.numaCells = try r.child("numa") { n throws(DomainXMLError) in
            try n.children("cell") { c throws(DomainXMLError) in
                let unit = c.string("unit") ?? "KiB"
                guard let value = c.attribute("memory").flatMap({ UInt64($0.value) }) else {
                    throw .missing(element: c.path, attribute: "memory", line: c.line)
                }
                guard let kib = MemoryUnit.kibibytes(value, unit: unit) else {
                    throw .invalidValue(element: c.path, attribute: "unit", value: unit, line: c.line, reason: "unknown memory unit")
                }
                var cell = DomainCPU.NUMACell(
                    id: try c.integer("id", in: 0...Int(UInt32.max)) ?? 0, cpus: try DomainTuningXML.cpuset(&c, "cpus"),
                    memoryKiB: kib)
                cell.memAccess = try c.enumeration("memAccess")
                cell.discard = try c.yesNo("discard")
                return cell
            }
        } ?? []
        cpu.features = try r.children("feature") { c throws(DomainXMLError) in
            DomainCPU.Feature(
                policy: try c.enumeration("policy") ?? .require, name: try c.requiredString("name"))
        }
        return cpu
    }

    static func clock(_ r: inout ElementReader) throws(DomainXMLError) -> DomainClock {
        var clock = DomainClock()
        clock.offset = try r.enumeration("offset") ?? .utc
        let adjustment = r.string("adjustment")
        switch clock.offset {
        case .utc, .localtime:
            // As libvirt: a numeric adjustment makes the offset variable, from the named basis.
            if adjustment == "reset" {
                clock.resetAdjustment = true
            } else if let adjustment {
                guard let seconds = Int64(adjustment) else {
                    throw .invalidValue(
                        element: r.path, attribute: "adjustment", value: adjustment, line: r.line,
                        reason: "unknown clock adjustment")
                }
                clock.basis = clock.offset == .utc ? .utc : .localtime
                clock.offset = .variable
                clock.adjustment = seconds
            }
        case .variable:
            clock.adjustment = adjustment.flatMap { Int64($0) } ?? 0
            clock.basis = try r.enumeration("basis") ?? .utc
            _ = r.string("adjustment0")  // a live value libvirt recomputes
        case .timezone:
            guard let zone = r.string("timezone") else {
                throw .missing(element: r.path, attribute: "timezone", line: r.line)
            }
            clock.timezone = zone
        case .absolute:
            clock.start = UInt64(try r.requiredInteger("start", in: 0...Int.max))
        }
        clock.timers = try r.children("timer") { c throws(DomainXMLError) in
            var t = DomainClock.Timer(
                name: try c.requiredEnumeration("name"), present: try c.yesNo("present"),
                tickpolicy: try c.enumeration("tickpolicy"))
            t.track = try c.enumeration("track")
            t.frequency = try c.integer("frequency", in: 0...Int.max).map(UInt64.init)
            t.mode = try c.enumeration("mode")
            return t
        }
        return clock
    }

    static func pm(_ r: inout ElementReader) throws(DomainXMLError) -> PowerManagement {
        PowerManagement(
            suspendToMem: try r.child("suspend-to-mem") { c throws(DomainXMLError) in try c.yesNo("enabled") } ?? nil,
            suspendToDisk: try r.child("suspend-to-disk") { c throws(DomainXMLError) in try c.yesNo("enabled") } ?? nil)
    }
}
