/// `<redirdev>` read and written as libvirt 9.0 does (virDomainRedirdevDefParseXML and ...DefFormat).
enum RedirdevXML {
    /// Backends typed for redirection; the other character device types libvirt accepts keep the device whole.
    static let unsupportedTypes = [
        "pty", "file", "null", "dev", "pipe", "stdio", "udp", "vc", "spiceport", "nmdm", "qemu-vdagent", "dbus",
    ]

    static func parse(_ r: inout ElementReader) throws(DomainXMLError) -> RedirectedDevice {
        let bus: RedirectedDevice.Bus = try r.enumeration("bus") ?? .usb
        let type: CharDevice.SourceType = try r.requiredEnumeration("type", unsupported: unsupportedTypes)
        guard type == .spicevmc || type == .tcp || type == .unix else {
            throw .unsupported(
                element: r.path, attribute: "type", line: r.line, detail: "value '\(type.rawValue)' is not supported")
        }
        var backend = CharDevice(type: type)
        backend.source = try r.child("source") { c throws(DomainXMLError) in
            var source = CharDevice.Source(
                path: c.string("path"), mode: try c.enumeration("mode"), host: c.string("host"),
                service: c.string("service"))
            source.tls = c.string("tls").map { $0 == "yes" }
            return source
        }
        backend.tcpProtocol = try r.child("protocol") { c throws(DomainXMLError) in
            try c.requiredEnumeration("type", as: CharDevice.TCPProtocol.self, unsupported: ["telnets", "tls"])
        }
        var d = RedirectedDevice(backend: backend)
        d.bus = bus
        d.sourceLine = SourceLine(r.line)
        d.bootOrder = try DeviceXMLParser.bootOrder(&r)
        (d.address, d.alias) = try DeviceXMLParser.addressAndAlias(&r)
        if let a = d.address, !Self.isUSB(a) {
            throw .invalidValue(
                element: r.path + "/address", attribute: "type", value: "\(a)", line: r.line,
                reason: "Invalid address for a USB device")
        }
        return d
    }

    private static func isUSB(_ a: DeviceAddress) -> Bool {
        if case .usb = a { return true }
        return false
    }

    static func format(_ w: inout XMLWriter, _ d: RedirectedDevice) {
        w.element("redirdev", [("bus", d.bus.rawValue), ("type", d.backend.type.rawValue)]) { w in
            if let s = d.backend.source {
                w.empty(
                    "source",
                    [
                        ("mode", s.mode?.rawValue), ("host", s.host), ("service", s.service),
                        ("tls", s.tls.map { $0 ? "yes" : "no" }), ("path", s.path),
                    ])
            }
            if let p = d.backend.tcpProtocol { w.empty("protocol", [("type", p.rawValue)]) }
            if let b = d.bootOrder { w.empty("boot", [("order", String(b))]) }
            DeviceXMLFormatter.common(&w, d.alias, d.address)
        }
    }
}

/// `<redirfilter>` read and written as libvirt 9.0 does (virDomainRedirFilterDefParseXML and ...DefFormat).
enum RedirFilterXML {
    static func parse(_ r: inout ElementReader) throws(DomainXMLError) -> RedirFilter {
        RedirFilter(rules: try r.children("usbdev") { c throws(DomainXMLError) in try rule(&c) })
    }

    private static func rule(_ r: inout ElementReader) throws(DomainXMLError) -> RedirFilter.Rule {
        func number(_ name: String) throws(DomainXMLError) -> Int? {
            let v = try r.integer(name, in: Int(Int32.min)...Int(Int32.max))
            return v == -1 ? nil : v
        }
        let usbClass = try number("class")
        if let c = usbClass, c & ~0xFF != 0 {
            throw .refused(
                code: .internalError, message: "Invalid USB Class code 0x\(String(UInt32(truncatingIfNeeded: c), radix: 16))",
                element: r.path, line: r.line)
        }
        var rule = RedirFilter.Rule(usbClass: usbClass, vendor: try number("vendor"), product: try number("product"), allow: false)
        if let v = r.string("version"), v != "-1" {
            guard let version = RedirFilter.version(v) else {
                throw .refused(
                    code: .xmlError, message: "Cannot parse USB device version \(v)", element: r.path, line: r.line)
            }
            rule.version = version
        }
        guard let allow = try r.yesNo("allow") else { throw .missing(element: r.path, attribute: "allow", line: r.line) }
        rule.allow = allow
        return rule
    }

    static func format(_ w: inout XMLWriter, _ f: RedirFilter) {
        guard !f.rules.isEmpty else { return }
        func hex(_ v: Int, _ width: Int) -> String { RedirFilter.hex(v, width: width) }
        w.element("redirfilter") { w in
            for x in f.rules {
                w.empty(
                    "usbdev",
                    [
                        ("class", x.usbClass.map { hex($0, 2) }), ("vendor", x.vendor.map { hex($0, 4) }),
                        ("product", x.product.map { hex($0, 4) }),
                        ("version", x.version.map(RedirFilter.versionText)), ("allow", x.allow ? "yes" : "no"),
                    ])
            }
        }
    }
}
