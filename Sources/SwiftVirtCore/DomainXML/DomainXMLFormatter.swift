/// Prints a `DomainDefinition` as libvirt domain XML (top level here, devices in `DeviceXMLFormatter`).
enum DomainXMLFormatter {
    static func format(_ d: DomainDefinition, runtime: DomainRuntimeInfo?) -> String {
        var w = XMLWriter()
        w.live = runtime != nil
        w.element("domain", [("type", d.virtType.rawValue), ("id", runtime.map { String($0.id) })]) { w in
            w.text("name", d.name)
            w.text("uuid", d.uuid.description)
            if let t = d.title { w.text("title", t) }
            if let t = d.description { w.text("description", t) }
            if let m = d.metadata { w.metadata(m) }
            w.text("memory", [("unit", "KiB")], String(d.memoryKiB))
            if d.currentMemoryKiB != 0 { w.text("currentMemory", [("unit", "KiB")], String(d.currentMemoryKiB)) }
            w.text(
                "vcpu", [("placement", d.vcpuPlacement?.rawValue), ("current", d.currentVcpus.map(String.init))],
                String(d.vcpus))
            os(&w, d.os)
            if !d.features.isEmpty { features(&w, d.features) }
            if let c = d.cpu { cpu(&w, c) }
            if let c = d.clock {
                w.element("clock", [("offset", c.offset.rawValue)]) { w in
                    for t in c.timers {
                        w.empty(
                            "timer",
                            [
                                ("name", t.name.rawValue), ("tickpolicy", t.tickpolicy?.rawValue),
                                ("present", t.present.map(yesNo)),
                            ])
                    }
                }
            }
            w.text("on_poweroff", d.onPoweroff.rawValue)
            w.text("on_reboot", d.onReboot.rawValue)
            w.text("on_crash", d.onCrash.rawValue)
            if let pm = d.pm {
                w.element("pm") { w in
                    if let v = pm.suspendToMem { w.empty("suspend-to-mem", [("enabled", yesNo(v))]) }
                    if let v = pm.suspendToDisk { w.empty("suspend-to-disk", [("enabled", yesNo(v))]) }
                }
            }
            DeviceXMLFormatter.devices(&w, d.devices, runtime: runtime)
            if let s = d.seclabel { w.empty("seclabel", [("type", s.type.rawValue), ("model", s.model)]) }
        }
        return w.output
    }

    static func yesNo(_ b: Bool) -> String { b ? "yes" : "no" }

    private static func os(_ w: inout XMLWriter, _ os: DomainOS) {
        w.element("os", [("firmware", os.firmware?.rawValue)]) { w in
            w.text("type", [("arch", os.arch), ("machine", os.machine)], os.type)
            FirmwareXML.format(&w, os)
            if let k = os.kernel { w.text("kernel", k) }
            if let i = os.initrd { w.text("initrd", i) }
            if let c = os.cmdline { w.text("cmdline", c) }
            for b in os.bootDevices { w.empty("boot", [("dev", b.rawValue)]) }
            if let m = os.bootMenu {
                w.empty("bootmenu", [("enable", yesNo(m.enable)), ("timeout", m.timeout.map(String.init))])
            }
            if let s = os.smbiosMode { w.empty("smbios", [("mode", s.rawValue)]) }
        }
    }

    private static func features(_ w: inout XMLWriter, _ f: DomainFeatures) {
        w.element("features") { w in
            if f.acpi { w.empty("acpi") }
            if f.apic { w.empty("apic") }
            if f.pae { w.empty("pae") }
            if let v = f.vmport { w.empty("vmport", [("state", v.rawValue)]) }
            if let v = f.smm { w.empty("smm", [("state", v.rawValue)]) }
        }
    }

    private static func cpu(_ w: inout XMLWriter, _ c: DomainCPU) {
        let attrs: [XMLWriter.Attr] = [
            ("mode", c.mode?.rawValue), ("match", c.match?.rawValue), ("check", c.check?.rawValue),
            ("migratable", c.migratable?.rawValue),
        ]
        w.element("cpu", attrs) { w in
            if let m = c.model { w.text("model", [("fallback", m.fallback?.rawValue)], m.name) }
            if let t = c.topology {
                w.empty(
                    "topology",
                    [
                        ("sockets", String(t.sockets)), ("dies", t.dies.map(String.init)), ("cores", String(t.cores)),
                        ("threads", String(t.threads)),
                    ])
            }
            for f in c.features { w.empty("feature", [("policy", f.policy.rawValue), ("name", f.name)]) }
        }
    }
}
