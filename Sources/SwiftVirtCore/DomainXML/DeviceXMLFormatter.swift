/// Prints `<devices>`, in libvirt's element order.
enum DeviceXMLFormatter {
    static func devices(_ w: inout XMLWriter, _ d: DomainDevices, runtime: DomainRuntimeInfo?) {
        w.element("devices") { w in
            if let e = d.emulator { w.text("emulator", e) }
            for x in d.disks {
                disk(&w, x, runtime?.diskSources[x.targetDev], known: runtime?.diskSourcesKnown ?? false)
            }
            for x in d.controllers { ControllerXML.format(&w, x) }
            generic(&w, d, "lease")
            generic(&w, d, "filesystem")
            for x in d.interfaces { interface(&w, x) }
            generic(&w, d, "smartcard")
            for x in d.serials { charDevice(&w, "serial", x, runtime) }
            for x in d.parallels { charDevice(&w, "parallel", x, runtime) }
            for x in d.consoles { charDevice(&w, "console", x, runtime) }
            for x in d.channels { charDevice(&w, "channel", x, runtime) }
            for x in d.inputs {
                w.element("input", [("type", x.type.rawValue), ("bus", x.bus?.rawValue)]) { w in
                    common(&w, x.alias, x.address)
                }
            }
            for x in d.tpms { TPMXML.format(&w, x) }
            for x in d.graphics { GraphicsXML.format(&w, x, runtime) }
            for x in d.sounds {
                w.element("sound", [("model", x.model.rawValue)]) { w in
                    for c in x.codecs { w.empty("codec", [("type", c.rawValue)]) }
                    if let id = x.audioID { w.empty("audio", [("id", String(id))]) }
                    common(&w, x.alias, x.address)
                }
            }
            for x in d.audios {
                w.empty(
                    "audio",
                    [
                        ("id", String(x.id)), ("type", x.type.rawValue),
                        ("timerPeriod", x.timerPeriod.map(String.init)), ("path", x.path),
                    ])
            }
            for x in d.videos {
                w.element("video") { w in
                    w.empty(
                        "model",
                        [
                            ("type", x.model.rawValue), ("ram", x.ram.map(String.init)),
                            ("vram", x.vram.map(String.init)), ("vram64", x.vram64.map(String.init)),
                            ("vgamem", x.vgamem.map(String.init)), ("heads", x.heads.map(String.init)),
                            ("primary", x.primary.map(DomainXMLFormatter.yesNo)),
                        ])
                    common(&w, x.alias, x.address)
                }
            }
            generic(&w, d, "hostdev")
            for x in d.redirdevs { RedirdevXML.format(&w, x) }
            if let f = d.redirfilter { RedirFilterXML.format(&w, f) }
            for x in d.hubs { w.element("hub", [("type", x.type.rawValue)]) { w in common(&w, x.alias, x.address) } }
            if let x = d.watchdog {
                w.element("watchdog", [("model", x.model.rawValue), ("action", x.action?.rawValue)]) { w in
                    common(&w, x.alias, x.address)
                }
            }
            if let x = d.memballoon {
                w.element("memballoon", [("model", x.model.rawValue)]) { w in
                    if x.statsPeriod != 0 { w.empty("stats", [("period", String(x.statsPeriod))]) }
                    common(&w, x.alias, x.address)
                }
            }
            for x in d.rngs {
                w.element("rng", [("model", x.model.rawValue)]) { w in
                    if let b = x.rateBytes {
                        w.empty("rate", [("bytes", String(b)), ("period", x.ratePeriod.map(String.init))])
                    }
                    if let p = x.backendPath {
                        w.text("backend", [("model", x.backendModel.rawValue)], p)
                    } else {
                        w.empty("backend", [("model", x.backendModel.rawValue)])
                    }
                    common(&w, x.alias, x.address)
                }
            }
            generic(&w, d, "nvram")
            for x in d.panics {
                w.element("panic", [("model", x.model?.rawValue)]) { w in common(&w, x.alias, x.address) }
            }
            generic(&w, d, "shmem")
            generic(&w, d, "memory", runtime)
            generic(&w, d, "iommu")
            generic(&w, d, "vsock")
        }
    }

    /// `opened`: what the driver opened for a running guest's disk (nil for an inactive definition, and for a
    /// drive that was empty at start, whose format libvirt's live XML leaves out, when the driver is `known` to
    /// report what it opened).
    private static func disk(_ w: inout XMLWriter, _ x: Disk, _ opened: DiskLiveSource?, known: Bool) {
        w.element("disk", [("type", x.type.rawValue), ("device", x.device.rawValue)]) { w in
            if let d = x.driver {
                let emptyAtStart = known && opened == nil && x.sourcePath == nil && x.networkSource == nil
                w.empty(
                    "driver",
                    [
                        ("name", d.name), ("type", emptyAtStart ? nil : d.format?.rawValue), ("cache", d.cache?.rawValue),
                        ("error_policy", d.errorPolicy?.rawValue), ("rerror_policy", d.readErrorPolicy?.rawValue),
                        ("io", d.io?.rawValue), ("copy_on_read", d.copyOnRead?.rawValue),
                        ("discard", d.discard?.rawValue), ("iothread", d.iothread.map(String.init)),
                        ("detect_zeroes", d.detectZeroes?.rawValue), ("queues", d.queues.map(String.init)),
                        ("queue_size", d.queueSize.map(String.init)),
                    ])
            }
            diskSource(&w, x, opened?.index)
            if let opened {
                backingChain(&w, x, opened)
            } else if w.chainsEnded.contains(x.targetDev), x.sourcePath != nil, x.networkSource == nil {
                w.empty("backingStore")
            }
            w.empty(
                "target",
                [
                    ("dev", x.targetDev), ("bus", x.targetBus?.rawValue),
                    ("tray", x.tray == .open ? "open" : nil), ("removable", x.removable?.rawValue),
                    ("rotation_rate", x.rotationRate.map(String.init)),
                ])
            if x.readOnly { w.empty("readonly") }
            if x.shareable { w.empty("shareable") }
            if let s = x.serial { w.text("serial", s) }
            if x.encryptionUnderDisk, let e = x.encryption { e.write(into: &w) }
            if let b = x.bootOrder { w.empty("boot", [("order", String(b))]) }
            common(&w, x.alias, x.address)
        }
    }

    /// `<source>`, with the image's `<encryption>` inside unless it was read under `<disk>`.
    /// libvirt's `<backingStore>` chain of a running guest's local disk with a medium: each backing image, then
    /// an empty element for the end of the chain.
    private static func backingChain(_ w: inout XMLWriter, _ x: Disk, _ opened: DiskLiveSource) {
        guard x.sourcePath != nil, x.networkSource == nil else { return }
        func chain(_ w: inout XMLWriter, _ rest: ArraySlice<DiskLiveSource.BackingImage>) {
            guard let b = rest.first else { return w.empty("backingStore") }
            w.element("backingStore", [("type", b.isBlockDevice ? "block" : "file"), ("index", String(b.index))]) { w in
                w.empty("format", [("type", b.format)])
                w.empty("source", [(b.isBlockDevice ? "dev" : "file", b.path)])
                chain(&w, rest.dropFirst())
            }
        }
        chain(&w, opened.backing[...])
    }

    /// `<source>`; `index`: the block node number of a running guest's disk (an ejected drive still shows it).
    private static func diskSource(_ w: inout XMLWriter, _ x: Disk, _ index: Int? = nil) {
        let index = index.map(String.init)
        let policy = x.startupPolicy
        let encryption = x.encryptionUnderDisk ? nil : x.encryption
        if let v = x.sourceVolume {
            // Live XML also shows the file the volume resolved to, as libvirt does.
            let attrs: [XMLWriter.Attr] = [
                ("pool", v.pool), ("volume", v.volume), ("file", w.live ? x.sourcePath : nil), ("startupPolicy", policy),
                ("index", index),
            ]
            w.element("source", attrs) { w in encryption?.write(into: &w) }
        } else if let n = x.networkSource {
            w.element("source", [("protocol", n.protocol.rawValue), ("name", n.name), ("index", index)]) { w in
                for h in n.hosts {
                    w.empty(
                        "host",
                        [
                            ("name", h.name), ("port", h.port.map(String.init)), ("transport", h.transport),
                            ("socket", h.socket),
                        ])
                }
                encryption?.write(into: &w)
            }
        } else if let p = x.sourcePath {
            let key = x.type == .block ? "dev" : x.type == .dir ? "dir" : "file"
            w.element("source", [(key, p), ("startupPolicy", policy), ("index", index)]) { w in
                encryption?.write(into: &w)
            }
        } else if let index {
            w.empty("source", [("index", index)])
        }
    }

    private static func interface(_ w: inout XMLWriter, _ x: NetworkInterface) {
        w.element("interface", [("type", x.type.rawValue)]) { w in
            if let m = x.mac { w.empty("mac", [("address", m.description)]) }
            switch x.type {
            case .bridge, .network:
                if let s = x.source { w.empty("source", [(x.type == .bridge ? "bridge" : "network", s)]) }
            case .direct:
                w.empty("source", [("dev", x.source), ("mode", x.directMode?.rawValue)])
            case .server, .client, .mcast, .udp:
                let attrs: [XMLWriter.Attr] = [("address", x.socketAddress), ("port", x.socketPort.map(String.init))]
                if x.type == .udp {
                    w.element("source", attrs) { w in
                        w.empty("local", [("address", x.localAddress), ("port", x.localPort.map(String.init))])
                    }
                } else {
                    w.empty("source", attrs)
                }
            default:
                break
            }
            if let v = x.virtualPort {
                w.element("virtualport", [("type", v.type)]) { w in
                    if !v.parameters.isEmpty { w.empty("parameters", v.parameters.map { ($0.name, $0.value) }) }
                }
            }
            if let t = x.targetDev, w.live || !DeviceXMLParser.isGeneratedTapName(t) {
                w.empty("target", [("dev", t), ("managed", x.targetManaged.map { $0 ? "yes" : "no" })])
            }
            if let m = x.model { w.empty("model", [("type", m.rawValue)]) }
            if let f = x.filterRef {
                w.element("filterref", [("filter", f.filter)]) { w in
                    for p in f.parameters { for v in p.values { w.empty("parameter", [("name", p.name), ("value", v)]) } }
                }
            }
            if let l = x.linkState { w.empty("link", [("state", l.rawValue)]) }
            if let b = x.bootOrder { w.empty("boot", [("order", String(b))]) }
            common(&w, x.alias, x.address)
        }
    }

    private static func charDevice(_ w: inout XMLWriter, _ name: String, _ x: CharDevice, _ rt: DomainRuntimeInfo?) {
        var source = x.source
        let livePty = x.type == .pty ? x.alias.flatMap { rt?.ptyPaths[$0] } : nil
        if let livePty {
            source = source ?? CharDevice.Source()
            source?.path = livePty
        }
        if x.type == .unix, source?.path == nil, let socket = x.alias.flatMap({ rt?.charDeviceSockets[$0] }) {
            var placed = source ?? CharDevice.Source()
            placed.mode = placed.mode ?? .bind
            placed.path = socket
            source = placed
        }
        // libvirt's older attribute, on the console at port 0 only.
        let tty = name == "console" && (x.targetPort ?? 0) == 0 ? livePty : nil
        w.element(name, [("type", x.type.rawValue), ("tty", tty)]) { w in
            // A unix socket without a path is the driver's to choose; libvirt writes no <source> for it.
            if let s = source, x.type != .unix || s.path != nil {
                w.empty(
                    "source",
                    [
                        ("mode", s.mode?.rawValue), ("host", s.host), ("service", s.service), ("path", s.path),
                        ("append", s.append?.rawValue), ("channel", s.channel),
                    ])
            }
            if let p = x.tcpProtocol { w.empty("protocol", [("type", p.rawValue)]) }
            if let l = x.log { w.empty("log", [("file", l.file), ("append", l.append?.rawValue)]) }
            let targetAttrs: [XMLWriter.Attr] = [
                ("type", x.targetType?.rawValue), ("address", x.targetAddress), ("port", x.targetPort.map(String.init)),
                ("name", x.targetName), ("state", w.live && x.targetType == .virtio ? x.targetState : nil),
            ]
            if x.targetType != nil || x.targetPort != nil || x.targetName != nil || x.targetModel != nil {
                w.element("target", targetAttrs) { w in
                    if let m = x.targetModel { w.empty("model", [("name", m)]) }
                }
            }
            common(&w, x.alias, x.address)
        }
    }

    /// The devices of family `name` the model keeps whole, each with its alias and address written back last.
    private static func generic(
        _ w: inout XMLWriter, _ d: DomainDevices, _ name: String, _ rt: DomainRuntimeInfo? = nil
    ) {
        for x in d.generic where x.element == name {
            var xml = x.xml
            var tail = XMLWriter()
            tail.live = w.live
            tail.aliases = w.aliases
            common(&tail, x.alias, withModuleBase(x.address, alias: x.alias, rt))
            if w.live, let alias = x.alias, let size = rt?.memoryModuleSizes[alias] { xml.addVirtioMemCurrent(kib: (size + 1023) / 1024) }
            if !tail.output.isEmpty, let parsed = try? XMLParser.parse("<x>" + tail.output + "</x>") {
                xml.content += parsed.childElements.map { .element(KeptXML($0)) }
            }
            w.write(xml)
        }
    }

    /// A memory module's `<address type='dimm'>` with the base the running guest's hypervisor placed it at.
    private static func withModuleBase(_ address: DeviceAddress?, alias: String?, _ rt: DomainRuntimeInfo?)
        -> DeviceAddress?
    {
        guard let alias, let base = rt?.memoryModuleBases[alias], case .other(var a)? = address, a.type == "dimm",
            !a.attributes.contains(where: { $0.name == "base" })
        else { return address }
        a.attributes.append(.init(name: "base", value: "0x" + String(base, radix: 16)))
        return .other(a)
    }

    /// `<alias>` and `<address>`, which every device ends with.
    static func common(_ w: inout XMLWriter, _ alias: String?, _ address: DeviceAddress?) {
        if let a = alias, w.live || w.aliases || a.hasPrefix("ua-") { w.empty("alias", [("name", a)]) }
        guard let address else { return }
        switch address {
        case .pci(let p):
            w.empty(
                "address",
                [
                    ("type", "pci"), ("domain", hex(p.domain, width: 4)), ("bus", hex(p.bus, width: 2)),
                    ("slot", hex(p.slot, width: 2)), ("function", hex(p.function)),
                    ("multifunction", p.multifunction?.rawValue),
                ])
        case .drive(let d):
            w.empty(
                "address",
                [
                    ("type", "drive"), ("controller", String(d.controller)), ("bus", String(d.bus)),
                    ("target", String(d.target)), ("unit", String(d.unit)),
                ])
        case .usb(let u):
            w.empty("address", [("type", "usb"), ("bus", String(u.bus)), ("port", u.port)])
        case .isa(let i):
            w.empty("address", [("type", "isa"), ("iobase", i.iobase.map { hex($0) }), ("irq", i.irq.map { hex($0) })])
        case .other(let o):
            w.empty("address", [("type", o.type)] + o.attributes.map { ($0.name, $0.value) })
        case .virtioSerial(let v):
            w.empty(
                "address",
                [
                    ("type", "virtio-serial"), ("controller", String(v.controller)), ("bus", String(v.bus)),
                    ("port", v.port.map(String.init)),
                ])
        }
    }

    static func hex(_ v: Int) -> String { hex(v, width: 1) }
    static func hex(_ v: Int, width: Int) -> String {
        // Addresses are almost all small numbers: their texts are made once (small strings, no allocation).
        if width <= 2, (0..<256).contains(v) { return width == 2 || v > 15 ? hex2[v] : hex1[v] }
        if width == 4, v == 0 { return "0x0000" }
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, width - s.count)) + s
    }
    private static let hex2: [String] = (0..<256).map { v in
        let s = String(v, radix: 16)
        return "0x" + (s.count < 2 ? "0" : "") + s
    }
    private static let hex1: [String] = (0..<16).map { "0x" + String($0, radix: 16) }
}
