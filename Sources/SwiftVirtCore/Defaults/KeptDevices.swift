/// Devices the model does not type are kept verbatim (see `XMLKeeper`) and never given an address here; the
/// addresses they were given in the definition are still theirs, so the assigners place no typed device there.
enum KeptDevices {
    /// What kept devices hold on USB: the ports their addresses name, and how many plug into USB at all (which
    /// counts when libvirt decides whether hubs are needed).
    struct USB: Sendable {
        var addresses: [(bus: Int, path: [Int])] = []
        var deviceCount = 0
    }

    /// The whole devices kept under `<devices>`.
    static func elements(_ kept: [String: XMLExtras]) -> [KeptXML] {
        kept["domain/devices"]?.elements.map(\.element) ?? []
    }

    static func pciAddresses(_ kept: [String: XMLExtras]) -> [PCIAddress] {
        elements(kept).compactMap { e in
            guard let a = address(of: e), a.value("type") == "pci" else { return nil }
            let n = { (name: String) in a.value(name).flatMap(ElementReader.parseInteger) ?? 0 }
            let pci = PCIAddress(domain: n("domain"), bus: n("bus"), slot: n("slot"), function: n("function"))
            return pci.domain == 0 && pci.bus == 0 && pci.slot == 0 ? nil : pci
        }
    }

    static func usb(_ kept: [String: XMLExtras]) -> USB {
        var usb = USB()
        for e in elements(kept) {
            let a = address(of: e)
            if let a, a.value("type") == "usb" {
                usb.deviceCount += 1
                let place = USBAddress(bus: a.value("bus").flatMap(Int.init) ?? 0, port: a.value("port"))
                if let path = place.path { usb.addresses.append((place.bus, path)) }
                continue
            }
            let target = e.children.first { $0.name == "target" }
            let onUSB =
                (e.name == "hostdev" && e.value("type") == "usb") || (e.name == "redirdev" && e.value("bus") == "usb")
                || (e.name == "input" && e.value("bus") == "usb") || (e.name == "disk" && target?.value("bus") == "usb")
            if onUSB, a == nil { usb.deviceCount += 1 }
        }
        return usb
    }

    private static func address(of e: KeptXML) -> KeptXML? { e.children.first { $0.name == "address" } }
}

extension KeptXML {
    /// The child elements.
    public var children: [KeptXML] {
        content.compactMap { if case .element(let e) = $0 { e } else { nil } }
    }

    public func value(_ attribute: String) -> String? { attributes.first { $0.name == attribute }?.value }
}
