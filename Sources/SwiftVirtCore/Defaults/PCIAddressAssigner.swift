/// Gives every PCI device without an address one, following libvirt's layout. pc (i440fx): bus 0, slot 1 is
/// the PIIX3 (ISA/IDE/USB/PM functions), the primary video at slot 2, the rest in order from slot 3. q35: the
/// primary video at 00:01.0, the ICH9 functions at slot 0x1f, and every other device alone on its own
/// pcie-root-port (root ports packed eight to a slot from 00:02.0).
struct PCIAddressAssigner {
    let family: MachineFamily
    /// bus * 256 + slot → functions in use.
    private var used: [Int: Set<Int>] = [:]
    private var rootPortSlots: Set<Int> = []

    init(family: MachineFamily) { self.family = family }

    mutating func assign(_ d: inout DomainDevices) throws(DomainXMLError) {
        for a in Self.allAddresses(d) { mark(a) }
        reserve(bus: 0, slot: 0)
        reserve(bus: 0, slot: family == .pc ? 1 : 0x1f)
        for c in d.controllers where c.model == .pcieRootPort {
            if let a = c.address?.pci, a.bus == 0 { rootPortSlots.insert(a.slot) }
        }
        // Root ports named in the input come first so that devices can sit behind them.
        for i in d.controllers.indices where d.controllers[i].model == .pcieRootPort && d.controllers[i].address == nil
        {
            let a = try rootPortFunction()
            d.controllers[i].address = .pci(a)
            if d.controllers[i].targetPort == nil { d.controllers[i].targetPort = a.slot * 8 + a.function }
        }
        // The primary video has a fixed home.
        if let v = d.videos.firstIndex(where: { $0.model != .none }), d.videos[v].address == nil {
            let home = PCIAddress(bus: 0, slot: family == .pc ? 2 : 1)
            if used[home.slot] == nil {
                d.videos[v].address = .pci(home)
                mark(home)
            }
        }
        // q35's ICH9 has its HD audio at 00:1b.0: the first ich9 sound card without an address goes there.
        if family == .q35, used[0x1b] == nil, let s = d.sounds.firstIndex(where: { $0.model == .ich9 && $0.address == nil }) {
            let home = PCIAddress(bus: 0, slot: 0x1b)
            d.sounds[s].address = .pci(home)
            mark(home)
        }
        // libvirt's order: PCI bridges, network interfaces, sound cards, the other controllers, virtio disks,
        // the balloon, RNGs, the watchdog, videos, virtio inputs.
        for i in d.controllers.indices where d.controllers[i].address == nil && d.controllers[i].model == .pciBridge {
            d.controllers[i].address = .pci(try slot(&d))
        }
        for i in d.interfaces.indices where d.interfaces[i].address == nil {
            d.interfaces[i].address = .pci(try slot(&d))
        }
        for i in d.sounds.indices where d.sounds[i].address == nil && d.sounds[i].model.isPCI {
            d.sounds[i].address = .pci(try slot(&d))
        }
        try assignControllers(&d)
        for i in d.disks.indices where d.disks[i].address == nil && d.disks[i].targetBus == .virtio {
            d.disks[i].address = .pci(try slot(&d))
        }
        if let m = d.memballoon, m.model != .none, m.address == nil {
            let a = try slot(&d)
            d.memballoon?.address = .pci(a)
        }
        for i in d.rngs.indices where d.rngs[i].address == nil { d.rngs[i].address = .pci(try slot(&d)) }
        if d.watchdog?.model == .i6300esb, d.watchdog?.address == nil {
            let a = try slot(&d)
            d.watchdog?.address = .pci(a)
        }
        for i in d.videos.indices where d.videos[i].address == nil && d.videos[i].model != .none {
            d.videos[i].address = .pci(try slot(&d))
        }
        for i in d.inputs.indices where d.inputs[i].address == nil && d.inputs[i].bus == .virtio {
            d.inputs[i].address = .pci(try slot(&d))
        }
        Self.markMultifunction(&d)
    }

    private mutating func assignControllers(_ d: inout DomainDevices) throws(DomainXMLError) {
        var companionSlots: [Int: PCIAddress] = [:]  // usb index → slot shared by ich9 companions
        for i in d.controllers.indices where d.controllers[i].address == nil {
            let c = d.controllers[i]
            switch c.type {
            case .usb:
                guard let model = c.model, model != .none else { continue }
                guard let function = Self.companionFunction(model) else {
                    d.controllers[i].address = .pci(try slot(&d))
                    continue
                }
                var base: PCIAddress
                if let b = companionSlots[c.index] {
                    base = b
                } else {
                    base = try slot(&d)
                    companionSlots[c.index] = base
                }
                base.function = function
                base.multifunction = function == 0 ? .on : nil
                mark(base)
                d.controllers[i].address = .pci(base)
            case .scsi, .virtioSerial, .sata:
                d.controllers[i].address = .pci(try slot(&d))
            case .pci, .ide, .fdc:
                continue
            }
        }
    }

    /// ich9 USB companions share one slot: EHCI at function 7, UHCI1-3 at functions 0-2.
    private static func companionFunction(_ m: Controller.Model) -> Int? {
        switch m {
        case .ich9EHCI1: return 7
        case .ich9UHCI1: return 0
        case .ich9UHCI2: return 1
        case .ich9UHCI3: return 2
        default: return nil
        }
    }

    /// A free slot (function 0) for one device: on bus 0 for pc, behind a free or new root port for q35.
    private mutating func slot(_ d: inout DomainDevices) throws(DomainXMLError) -> PCIAddress {
        if family == .pc {
            for s in 2...0x1f where used[s] == nil {
                let a = PCIAddress(bus: 0, slot: s)
                mark(a)
                return a
            }
            throw .inconsistent(element: "devices", line: nil, reason: "no free PCI slot left on bus 0")
        }
        let rootPorts = d.controllers.filter { $0.model == .pcieRootPort }.map(\.index).sorted()
        if let bus = rootPorts.first(where: { used[$0 * 256] == nil }) {
            let a = PCIAddress(bus: bus, slot: 0)
            mark(a)
            return a
        }
        let index = (d.controllers.filter { $0.type == .pci }.map(\.index).max() ?? 0) + 1
        guard index <= 255 else { throw .inconsistent(element: "devices", line: nil, reason: "too many PCI buses") }
        var port = Controller(type: .pci, index: index, model: .pcieRootPort)
        let address = try rootPortFunction()
        port.modelName = "pcie-root-port"
        port.targetChassis = index
        port.targetPort = address.slot * 8 + address.function
        port.address = .pci(address)
        d.controllers.append(port)
        let a = PCIAddress(bus: index, slot: 0)
        mark(a)
        return a
    }

    /// The next function on bus 0 for a root port, packing eight per slot from slot 2.
    private mutating func rootPortFunction() throws(DomainXMLError) -> PCIAddress {
        for s in 2...0x1f where used[s] == nil || rootPortSlots.contains(s) {
            let fs = used[s] ?? []
            guard let f = (0...7).first(where: { !fs.contains($0) }) else { continue }
            rootPortSlots.insert(s)
            let a = PCIAddress(bus: 0, slot: s, function: f)
            mark(a)
            return a
        }
        throw .inconsistent(element: "devices", line: nil, reason: "no free PCI slot left for a pcie-root-port")
    }

    private mutating func mark(_ a: PCIAddress) { used[a.bus * 256 + a.slot, default: []].insert(a.function) }
    private mutating func reserve(bus: Int, slot: Int) { used[bus * 256 + slot, default: []].formUnion(0...7) }

    /// Function 0 of a slot that holds several functions must say multifunction='on'.
    private static func markMultifunction(_ d: inout DomainDevices) {
        var count: [Int: Int] = [:]
        for a in allAddresses(d) { count[a.bus * 256 + a.slot, default: 0] += 1 }
        for i in d.controllers.indices {
            if case .pci(var a)? = d.controllers[i].address, a.function == 0, a.multifunction == nil,
                count[a.bus * 256 + a.slot, default: 0] > 1
            {
                a.multifunction = .on
                d.controllers[i].address = .pci(a)
            }
        }
    }

    /// Every PCI address any device carries.
    static func allAddresses(_ d: DomainDevices) -> [PCIAddress] {
        DeviceInventory.all(d).compactMap { $0.address?.pci }
    }
}

extension SoundDevice.Model {
    var isPCI: Bool { self == .ich6 || self == .ich9 || self == .ac97 || self == .es1370 }
}
