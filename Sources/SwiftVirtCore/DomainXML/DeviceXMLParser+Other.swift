/// Parsing of character devices, input, graphics, sound/audio, video and the small devices.
extension DeviceXMLParser {
    static func charDevice(_ r: inout ElementReader) throws(DomainXMLError) -> CharDevice {
        let type: CharDevice.SourceType = try r.enumeration("type") ?? .pty
        _ = r.string("tty")  // live-XML copy of the pty path; the runtime info is the source of truth
        var ch = CharDevice(type: type)
        ch.sourceLine = SourceLine(r.line)
        // The source of the backends the driver runs is typed; any other backend's <source> is kept as written.
        let typedSource: Set<CharDevice.SourceType> = [.pty, .file, .unix, .tcp, .null, .dev, .pipe, .spiceport]
        ch.source = !typedSource.contains(type) ? nil : try r.child("source") { c throws(DomainXMLError) in
            CharDevice.Source(
                path: c.string("path"), mode: try c.enumeration("mode"), host: c.string("host"),
                service: c.string("service"), append: try c.enumeration("append"),
                channel: type == .spiceport ? c.string("channel") : nil)
        }
        ch.tcpProtocol = try r.child("protocol") { c throws(DomainXMLError) in
            try c.requiredEnumeration("type", as: CharDevice.TCPProtocol.self, unsupported: ["telnets", "tls"])
        }
        try r.child("target") { c throws(DomainXMLError) in
            ch.targetType = try c.enumeration("type")
            ch.targetAddress = c.string("address")
            ch.targetPort = try c.integer("port", in: 0...65535)
            ch.targetName = c.string("name")
            ch.targetState = c.string("state")  // the live XML's port state
            ch.targetModel = try c.child("model") { m throws(DomainXMLError) in try m.requiredString("name") }
        }
        ch.log = try r.child("log") { c throws(DomainXMLError) in
            CharDevice.Log(file: try c.requiredString("file"), append: try c.enumeration("append"))
        }
        (ch.address, ch.alias) = try addressAndAlias(&r)
        return ch
    }

    static func input(_ r: inout ElementReader) throws(DomainXMLError) -> InputDevice {
        var i = InputDevice(
            type: try r.requiredEnumeration("type"), bus: try r.enumeration("bus"))
        i.sourceLine = SourceLine(r.line)
        (i.address, i.alias) = try addressAndAlias(&r)
        return i
    }

    static func sound(_ r: inout ElementReader) throws(DomainXMLError) -> SoundDevice {
        var s = SoundDevice(model: try r.requiredEnumeration("model"))
        s.sourceLine = SourceLine(r.line)
        // Codecs belong to HDA cards; libvirt reads them for no other model and drops them there.
        let codecs = try r.children("codec") { c throws(DomainXMLError) in
            try c.requiredEnumeration("type", as: SoundDevice.Codec.self)
        }
        if s.supportsCodecs { s.codecs = codecs }
        s.audioID = try r.child("audio") { c throws(DomainXMLError) in
            try c.requiredInteger("id", in: 1...Int(UInt32.max))
        }
        (s.address, s.alias) = try addressAndAlias(&r)
        return s
    }

    static func audio(_ r: inout ElementReader) throws(DomainXMLError) -> AudioBackend {
        var a = AudioBackend(
            id: try r.requiredInteger("id", in: 1...Int(UInt32.max)), type: try r.requiredEnumeration("type"))
        a.sourceLine = SourceLine(r.line)
        a.timerPeriod = try r.integer("timerPeriod", in: 1...Int(UInt32.max))
        if a.type == .file { a.path = r.string("path") }
        return a
    }

    static func video(_ r: inout ElementReader) throws(DomainXMLError) -> VideoDevice {
        let line = r.line
        // Without <model> or its type the driver picks the model (see `applyDeviceDefaults`).
        var v =
            try r.child(
                "model",
                { c throws(DomainXMLError) in
                    var v = VideoDevice(
                        model: try c.enumeration(
                            "type", unsupported: ["vmvga", "xen", "vbox", "ramfb", "gop"]) ?? .default,
                        vram: try c.integer("vram"), heads: try c.integer("heads", in: 1...16),
                        primary: try c.yesNo("primary"))
                    v.ram = try c.integer("ram")
                    v.vgamem = try c.integer("vgamem")
                    v.vram64 = try c.integer("vram64")
                    return v
                }) ?? VideoDevice(model: .default)
        v.sourceLine = SourceLine(line)
        (v.address, v.alias) = try addressAndAlias(&r)
        return v
    }

    static func hub(_ r: inout ElementReader) throws(DomainXMLError) -> HubDevice {
        var h = HubDevice()
        h.type = try r.requiredEnumeration("type")
        h.sourceLine = SourceLine(r.line)
        (h.address, h.alias) = try addressAndAlias(&r)
        return h
    }

    static func watchdog(_ r: inout ElementReader) throws(DomainXMLError) -> WatchdogDevice {
        guard let model = r.attribute("model") else { throw .missing(element: r.path, attribute: "model", line: r.line) }
        guard let known = WatchdogDevice.Model(rawValue: model.value) else {
            throw .unsupported(
                element: r.path, attribute: "model", line: model.position.line,
                detail: "unknown watchdog model '\(model.value)'")
        }
        var w = WatchdogDevice(model: known, action: try r.enumeration("action"))
        w.sourceLine = SourceLine(r.line)
        (w.address, w.alias) = try addressAndAlias(&r)
        return w
    }

    static func memballoon(_ r: inout ElementReader) throws(DomainXMLError) -> MemoryBalloon {
        var m = MemoryBalloon(model: try r.requiredEnumeration("model", unsupported: ["xen"]))
        m.sourceLine = SourceLine(r.line)
        // libvirt takes a negative period as none.
        let period = try r.child("stats") { c throws(DomainXMLError) in
            try c.integer("period", in: Int(Int32.min)...Int(Int32.max))
        }
        m.statsPeriod = max(0, period.flatMap { $0 } ?? 0)
        (m.address, m.alias) = try addressAndAlias(&r)
        return m
    }

    static func rng(_ r: inout ElementReader) throws(DomainXMLError) -> RNGDevice {
        _ = try r.requiredEnumeration(
            "model", as: RNGDevice.Model.self, unsupported: ["virtio-transitional", "virtio-non-transitional"])
        let line = r.line
        let rate = try r.child("rate") { c throws(DomainXMLError) in
            (try c.requiredInteger("bytes", in: 0...Int(UInt32.max)), try c.integer("period", in: 0...Int(UInt32.max)))
        }
        guard
            let (backend, path) = try r.child(
                "backend",
                { c throws(DomainXMLError) -> (RNGDevice.BackendModel, String?) in
                    let model = try c.requiredEnumeration("model", as: RNGDevice.BackendModel.self, unsupported: ["egd"])
                    let t = model == .builtin ? "" : c.text().trimmingWhitespace()
                    return (model, t.isEmpty ? nil : t)
                })
        else { throw .missing(element: r.path + "/backend", attribute: nil, line: line) }
        var g = RNGDevice(backendPath: path)
        g.backendModel = backend
        (g.rateBytes, g.ratePeriod) = (rate?.0, rate?.1 == 0 ? nil : rate?.1)
        g.sourceLine = SourceLine(line)
        (g.address, g.alias) = try addressAndAlias(&r)
        return g
    }

    static func panic(_ r: inout ElementReader) throws(DomainXMLError) -> PanicDevice {
        var p = PanicDevice(model: try r.enumeration("model", unsupported: ["pseries", "s390"]))
        p.sourceLine = SourceLine(r.line)
        (p.address, p.alias) = try addressAndAlias(&r)
        return p
    }
}
