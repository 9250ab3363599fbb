/// Node device XML as libvirt 9.0 prints it (virNodeDeviceDefFormat), for the capabilities SwiftVirt reads.
public enum NodeDeviceXML {
    public static func format(_ d: NodeDevice) -> String {
        var w = Lines()
        w.line("<device>")
        w.indent += 1
        w.text("name", d.name)
        w.text("path", d.path)
        if let n = d.devnode { w.line("<devnode type='dev'>\(SecretXML.escaped(n))</devnode>") }
        for l in d.devlinks { w.line("<devnode type='link'>\(SecretXML.escaped(l))</devnode>") }
        w.text("parent", d.parent)
        if let driver = d.driver {
            w.line("<driver>")
            w.indent += 1
            w.text("name", driver)
            w.indent -= 1
            w.line("</driver>")
        }
        w.line("<capability type='\(d.capabilityNames[0])'>")
        w.indent += 1
        switch d.capability {
        case .system(let s): system(s, &w)
        case .pci(let p): pci(p, &w)
        case .net(let n): net(n, &w)
        case .storage(let s): storage(s, &w)
        case .usbDevice(let u): usbDevice(u, &w)
        case .usbInterface(let u):
            for (name, value) in [
                ("number", u.number), ("class", u.interfaceClass), ("subclass", u.subclass),
                ("protocol", u.interfaceProtocol),
            ] { w.line("<\(name)>\(value)</\(name)>") }
        case .scsiHost(let h):
            w.line("<host>\(h.host)</host>")
            if let id = h.uniqueID { w.line("<unique_id>\(id)</unique_id>") }
        case .scsiTarget(let name): w.text("target", name)
        case .scsi(let d):
            for (name, value) in [("host", d.host), ("bus", d.bus), ("target", d.target), ("lun", d.lun)] {
                w.line("<\(name)>\(value)</\(name)>")
            }
            w.text("type", d.type)
        case .scsiGeneric(let path): w.text("char", path)
        }
        w.indent -= 1
        w.line("</capability>")
        w.indent -= 1
        w.line("</device>")
        return w.out
    }

    struct Lines {
        var out = ""
        var indent = 0
        mutating func line(_ s: String) { out += String(repeating: "  ", count: indent) + s + "\n" }
        /// `<name>value</name>`, nothing when the value is nil.
        mutating func text(_ name: String, _ value: String?) {
            if let value { line("<\(name)>\(SecretXML.escaped(value))</\(name)>") }
        }
        mutating func block(_ name: String, _ body: (inout Lines) -> Void) {
            line("<\(name)>")
            indent += 1
            body(&self)
            indent -= 1
            line("</\(name)>")
        }
    }

    private static func system(_ s: NodeDevice.System, _ w: inout Lines) {
        w.text("product", s.product)
        w.block("hardware") { w in
            w.text("vendor", s.hardwareVendor)
            w.text("version", s.hardwareVersion)
            w.text("serial", s.hardwareSerial)
            w.text("uuid", (s.uuid ?? DomainUUID(bytes: Array(repeating: 0, count: 16))!).description)
        }
        w.block("firmware") { w in
            w.text("vendor", s.firmwareVendor)
            w.text("version", s.firmwareVersion)
            w.text("release_date", s.firmwareDate)
        }
    }

    private static func hex(_ v: UInt32, _ width: Int) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, width - s.count)) + s
    }

    private static func address(_ a: NodeDevice.PCIAddress) -> String {
        "<address domain='\(hex(a.domain, 4))' bus='\(hex(a.bus, 2))' slot='\(hex(a.slot, 2))' "
            + "function='0x\(a.function)'/>"
    }

    /// `<product id='0x..'>name</product>` (PCI and USB alike), self-closed without a name (libvirt puts a
    /// space before the USB one's `/>`).
    private static func identified(
        _ element: String, _ id: UInt32, _ name: String?, _ w: inout Lines, selfClosing: String = "/>"
    ) {
        let open = "<\(element) id='\(hex(id, 4))'"
        w.line(name.map { open + ">\(SecretXML.escaped($0))</\(element)>" } ?? open + selfClosing)
    }

    private static func usbDevice(_ u: NodeDevice.USBDevice, _ w: inout Lines) {
        w.line("<bus>\(u.bus)</bus>")
        w.line("<device>\(u.device)</device>")
        identified("product", u.product, u.productName, &w, selfClosing: " />")
        identified("vendor", u.vendor, u.vendorName, &w, selfClosing: " />")
    }

    private static func pci(_ p: NodeDevice.PCI, _ w: inout Lines) {
        if let c = p.classCode { w.line("<class>\(hex(UInt32(c), 6))</class>") }
        w.line("<domain>\(p.address.domain)</domain>")
        w.line("<bus>\(p.address.bus)</bus>")
        w.line("<slot>\(p.address.slot)</slot>")
        w.line("<function>\(p.address.function)</function>")
        identified("product", p.product, p.productName, &w)
        identified("vendor", p.vendor, p.vendorName, &w)
        if let pf = p.physicalFunction {
            w.line("<capability type='phys_function'>")
            w.indent += 1
            w.line(address(pf))
            w.indent -= 1
            w.line("</capability>")
        }
        if let vf = p.virtualFunctions {
            let open = "<capability type='virt_functions'" + (vf.max != 0 ? " maxCount='\(vf.max)'" : "")
            if vf.functions.isEmpty {
                w.line(open + "/>")
            } else {
                w.line(open + ">")
                w.indent += 1
                for f in vf.functions { w.line(address(f)) }
                w.indent -= 1
                w.line("</capability>")
            }
        }
        let headers = [1: "pci-bridge", 2: "cardbus-bridge"]
        if let h = headers[p.headerType] { w.line("<capability type='\(h)'/>") }
        if let g = p.iommuGroup, !g.members.isEmpty {
            w.line("<iommuGroup number='\(g.number)'>")
            w.indent += 1
            for m in g.members { w.line(address(m)) }
            w.indent -= 1
            w.line("</iommuGroup>")
        }
        if let n = p.numaNode, n >= 0 { w.line("<numa node='\(n)'/>") }
        if let e = p.express {
            if e.cap == nil && e.sta == nil {
                w.line("<pci-express/>")
            } else {
                w.block("pci-express") { w in
                    for (link, validity) in [(e.cap, "cap"), (e.sta, "sta")] {
                        guard let link else { continue }
                        var s = "<link validity='\(validity)'"
                        if let port = link.port, port >= 0 { s += " port='\(port)'" }
                        let speeds = ["", "2.5", "5", "8", "16", "32", "64"]
                        if link.speed > 0 { s += " speed='\(link.speed < speeds.count ? speeds[link.speed] : "")'" }
                        w.line(s + " width='\(link.width)'/>")
                    }
                }
            }
        }
    }

    private static func net(_ n: NodeDevice.Net, _ w: inout Lines) {
        w.text("interface", n.interface)
        w.text("address", n.address)
        if n.linkSpeed != 0 || n.linkState != nil {
            var s = "<link"
            if n.linkSpeed != 0 { s += " speed='\(n.linkSpeed)'" }
            if let state = n.linkState { s += " state='\(state)'" }
            w.line(s + "/>")
        }
        for f in n.features { w.line("<feature name='\(f)'/>") }
        w.line("<capability type='\(n.wireless ? "80211" : "80203")'/>")
    }

    private static func storage(_ s: NodeDevice.Storage, _ w: inout Lines) {
        w.text("block", s.block)
        w.text("bus", s.bus)
        w.text("drive_type", s.driveType)
        w.text("model", s.model)
        w.text("vendor", s.vendor)
        w.text("serial", s.serial)
        w.line("<size>\(s.size)</size>")
        if s.logicalBlockSize > 0 { w.line("<logical_block_size>\(s.logicalBlockSize)</logical_block_size>") }
        if s.numBlocks > 0 { w.line("<num_blocks>\(s.numBlocks)</num_blocks>") }
    }
}
