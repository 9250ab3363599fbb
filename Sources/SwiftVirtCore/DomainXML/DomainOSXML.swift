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
        if os.smbiosMode == .sysinfo {
            throw .unsupported(
                element: "os/smbios", attribute: "mode", line: r.line, detail: "mode 'sysinfo' needs <sysinfo>")
        }
        return os
    }

    static func features(_ r: inout ElementReader) throws(DomainXMLError) -> DomainFeatures {
        var f = DomainFeatures()
        f.acpi = try r.flag("acpi")
        f.apic = try r.flag("apic")
        f.pae = try r.flag("pae")
        f.vmport = try r.child("vmport") { c throws(DomainXMLError) in
            try c.requiredEnumeration("state", as: OnOff.self)
        }
        // As libvirt, `<smm/>` means on. `<tseg>` inside is not read: it is kept, and refused at start.
        f.smm = try r.child("smm") { c throws(DomainXMLError) in try c.enumeration("state", as: OnOff.self) ?? .on }
        return f
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
        cpu.features = try r.children("feature") { c throws(DomainXMLError) in
            DomainCPU.Feature(
                policy: try c.enumeration("policy") ?? .require, name: try c.requiredString("name"))
        }
        return cpu
    }

    static func clock(_ r: inout ElementReader) throws(DomainXMLError) -> DomainClock {
        var clock = DomainClock()
        clock.offset =
            try r.enumeration("offset", unsupported: ["variable", "timezone", "absolute"]) ?? .utc
        clock.timers = try r.children("timer") { c throws(DomainXMLError) in
            DomainClock.Timer(
                name: try c.requiredEnumeration("name"), present: try c.yesNo("present"),
                tickpolicy: try c.enumeration("tickpolicy"))
        }
        return clock
    }

    static func pm(_ r: inout ElementReader) throws(DomainXMLError) -> PowerManagement {
        PowerManagement(
            suspendToMem: try r.child("suspend-to-mem") { c throws(DomainXMLError) in try c.yesNo("enabled") } ?? nil,
            suspendToDisk: try r.child("suspend-to-disk") { c throws(DomainXMLError) in try c.yesNo("enabled") } ?? nil)
    }
}
