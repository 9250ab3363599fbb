/// Prints a `DomainDefinition` as libvirt domain XML (top level here, devices in `DeviceXMLFormatter`).
enum DomainXMLFormatter {
    static func format(
        _ d: DomainDefinition, runtime: DomainRuntimeInfo?, secure: Bool = true, aliases: Bool = false,
        chainsEnded: Set<String> = []
    ) -> String {
        var w = XMLWriter()
        w.chainsEnded = chainsEnded
        w.live = runtime != nil
        w.aliases = aliases
        w.secure = secure
        w.element("domain", [("type", d.virtType.rawValue), ("id", runtime.map { String($0.id) })]) { w in
            w.text("name", d.name)
            w.text("uuid", d.uuid.description)
            if let t = d.title { w.text("title", t) }
            if let t = d.description { w.text("description", t) }
            if let m = d.metadata { w.metadata(m) }
            if let max = d.tuning.maxMemoryKiB {
                w.text("maxMemory", [("slots", d.tuning.maxMemorySlots.map(String.init)), ("unit", "KiB")], String(max))
            }
            w.text("memory", [("unit", "KiB")], String(d.memoryKiB))
            if d.currentMemoryKiB != 0 { w.text("currentMemory", [("unit", "KiB")], String(d.currentMemoryKiB)) }
            DomainTuningXML.formatMemory(&w, d.tuning)
            w.text(
                "vcpu",
                [
                    ("placement", d.vcpuPlacement?.rawValue), ("cpuset", d.tuning.vcpuCPUSet?.description),
                    ("current", d.currentVcpus.map(String.init)),
                ],
                String(d.vcpus))
            DomainTuningXML.formatCPU(&w, d.tuning)
            for s in d.sysinfo { SysInfoXML.format(&w, s) }
            os(&w, d.os)
            if !d.features.isEmpty { features(&w, d.features) }
            if let c = runtime?.liveCPU ?? d.cpu { cpu(&w, c) }
            if let c = d.clock { clock(&w, c) }
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
            if let table = os.slicTable {
                w.element("acpi") { w in w.text("table", [("type", "slic")], table) }
            }
            for b in os.bootDevices { w.empty("boot", [("dev", b.rawValue)]) }
            if let m = os.bootMenu {
                w.empty("bootmenu", [("enable", yesNo(m.enable)), ("timeout", m.timeout.map(String.init))])
            }
            if os.biosUseSerial != nil || os.biosRebootTimeout != nil {
                w.empty(
                    "bios",
                    [
                        ("useserial", os.biosUseSerial.map(yesNo)),
                        ("rebootTimeout", os.biosRebootTimeout.map(String.init)),
                    ])
            }
            if let s = os.smbiosMode { w.empty("smbios", [("mode", s.rawValue)]) }
        }
    }

    private static func clock(_ w: inout XMLWriter, _ c: DomainClock) {
        let attrs: [XMLWriter.Attr] = [
            ("offset", c.offset.rawValue), ("adjustment", c.resetAdjustment ? "reset" : c.adjustment.map(String.init)),
            ("basis", c.basis?.rawValue), ("timezone", c.timezone), ("start", c.start.map(String.init)),
        ]
        w.element("clock", attrs) { w in
            for t in c.timers {
                w.empty(
                    "timer",
                    [
                        ("name", t.name.rawValue), ("present", t.present.map(yesNo)),
                        ("tickpolicy", t.tickpolicy?.rawValue), ("track", t.track?.rawValue),
                        ("frequency", t.frequency.map(String.init)), ("mode", t.mode?.rawValue),
                    ])
            }
        }
    }

    private static func features(_ w: inout XMLWriter, _ f: DomainFeatures) {
        w.element("features") { w in
            if f.acpi { w.empty("acpi") }
            if f.apic { w.empty("apic", [("eoi", f.apicEOI?.rawValue)]) }
            if f.pae { w.empty("pae") }
            if let s = f.hap { w.empty("hap", [("state", s.rawValue)]) }
            if let h = f.hyperv {
                w.element("hyperv", [("mode", h.mode.rawValue)]) { w in
                    for x in h.features {
                        let attrs: [XMLWriter.Attr] = [
                            ("state", x.state.rawValue), ("retries", x.retries.map(String.init)), ("value", x.value),
                        ]
                        if let direct = x.direct {
                            w.element(x.name.rawValue, attrs) { w in w.empty("direct", [("state", direct.rawValue)]) }
                        } else {
                            w.empty(x.name.rawValue, attrs)
                        }
                    }
                }
            }
            if !f.kvm.isEmpty {
                w.element("kvm") { w in
                    for x in f.kvm {
                        w.empty(x.name.rawValue, [("state", x.state.rawValue), ("size", x.size.map(String.init))])
                    }
                }
            }
            if let s = f.pvspinlock { w.empty("pvspinlock", [("state", s.rawValue)]) }
            if let s = f.pmu { w.empty("pmu", [("state", s.rawValue)]) }
            if let s = f.vmport { w.empty("vmport", [("state", s.rawValue)]) }
            if let s = f.smm { w.empty("smm", [("state", s.rawValue)]) }
            if let d = f.ioapic { w.empty("ioapic", [("driver", d.rawValue)]) }
            if let s = f.vmcoreinfo { w.empty("vmcoreinfo", [("state", s.rawValue)]) }
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
            if !c.numaCells.isEmpty {
                w.element("numa") { w in
                    for cell in c.numaCells {
                        w.empty(
                            "cell",
                            [
                                ("id", String(cell.id)), ("cpus", cell.cpus?.description),
                                ("memory", String(cell.memoryKiB)), ("unit", "KiB"),
                                ("memAccess", cell.memAccess?.rawValue), ("discard", cell.discard.map(yesNo)),
                            ])
                    }
                }
            }
        }
    }
}
