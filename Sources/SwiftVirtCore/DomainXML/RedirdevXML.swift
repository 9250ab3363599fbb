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
            CharDevice.Source(
                path: c.string("path"), mode: try c.enumeration("mode"), host: c.string("host"),
                service: c.string("service"))
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
                    "source", [("mode", s.mode?.rawValue), ("host", s.host), ("service", s.service), ("path", s.path)])
            }
            if let p = d.backend.tcpProtocol { w.empty("protocol", [("type", p.rawValue)]) }
            if let b = d.bootOrder { w.empty("boot", [("order", String(b))]) }
            DeviceXMLFormatter.common(&w, d.alias, d.address)
        }
    }
}
