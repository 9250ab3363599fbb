/// What libvirt fills in on pci controllers once they have addresses (the end of qemuDomainAssignPCIAddresses):
/// the QEMU device name, a pci-bridge's chassisNr, a root or downstream port's chassis and port, an expander
/// bus's busNr; and the check that a pci-bridge sits on a bus below its own.
enum PCIControllerDefaults {
    static func complete(_ controllers: inout [Controller]) throws(DomainXMLError) {
        for i in controllers.indices where controllers[i].type == .pci {
            let c = controllers[i]
            if c.modelName == nil { controllers[i].modelName = c.model?.defaultPCIModelName }
            let a = c.address?.pci ?? PCIAddress(bus: 0, slot: 0)
            switch c.model {
            case .pciBridge?:
                if c.target.chassisNr == nil { controllers[i].target.chassisNr = c.index }
            case .pcieRootPort?:
                if c.target.chassis == nil { controllers[i].target.chassis = c.index }
                if c.target.port == nil { controllers[i].target.port = a.slot << 3 + a.function }
            case .pcieSwitchDownstreamPort?:
                if c.target.chassis == nil { controllers[i].target.chassis = c.index }
                if c.target.port == nil { controllers[i].target.port = a.slot }
            case .pciExpanderBus?, .pcieExpanderBus?:
                if c.target.busNr == nil {
                    guard let busNr = newBusNr(controllers) else {
                        throw .refused(
                            code: .configUnsupported,
                            message: "No free busNr lower than current lowest busNr is available to auto-assign to "
                                + "bus \(a.bus). Must be manually assigned",
                            element: "devices/controller/target", line: c.sourceLine.line)
                    }
                    controllers[i].target.busNr = busNr
                }
            default:
                break
            }
            if c.model == .pciBridge, c.index <= a.bus {
                throw .refused(
                    code: .configUnsupported,
                    message: "PCI controller at index \(c.index) (\(hex2(c.index))) has bus='\(hex2(a.bus))', "
                        + "but index must be larger than bus",
                    element: "devices/controller/address", line: c.sourceLine.line)
            }
        }
    }

    /// Two below the lowest busNr in use (one for the expander bus, one for its built-in bridge), leaving the
    /// numbers above for buses behind the root (qemuDomainAddressFindNewBusNr); nil when that would reach 0.
    private static func newBusNr(_ controllers: [Controller]) -> Int? {
        let lowest = controllers.filter { $0.type == .pci }.compactMap(\.target.busNr).filter { $0 >= 0 }.min() ?? 256
        return lowest <= 2 ? nil : lowest - 2
    }

    private static func hex2(_ v: Int) -> String {
        let s = String(v, radix: 16)
        return "0x" + (s.count < 2 ? "0" + s : s)
    }
}
