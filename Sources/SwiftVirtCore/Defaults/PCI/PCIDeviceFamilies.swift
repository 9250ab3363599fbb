/// One device that may sit on a PCI bus, as the address assigner sees it.
struct PCIDeviceEntry {
    /// How the assigner places the device when the definition gives it no address.
    enum Placement: Equatable {
        /// Never placed here: not a PCI device, or one the chipset step places (PIIX3 IDE, built-in FDC, ...).
        case none
        /// The next free slot that suits its connect flags.
        case nextFree
        /// An ich9 USB2 controller: function `function` of the slot its group (USB controllers of `index`)
        /// shares, or of a new slot for the first of the group.
        case usb2Companion(index: Int, function: Int, multifunction: OnOff?)
    }

    /// Where its address lives in the definition.
    let address: WritableKeyPath<DomainDevices, DeviceAddress?>
    /// For messages: the element (`devices/interface`) and its source line.
    let element: String
    let line: Int?
    /// How it connects to a bus; empty for a device that does not use PCI (a definition may still give it a PCI
    /// address, which is then taken as a conventional PCI device's, as libvirt does).
    let flags: PCIConnectFlags
    let placement: Placement
}

/// A kind of device, yielding for each of its devices in document order the connect flags and where its address
/// is (libvirt's qemuDomainDeviceCalculatePCIConnectFlags, per family). A new kind of device is one new family
/// here, put at its place in `assignmentOrder`.
struct PCIDeviceFamily: Sendable {
    let name: String
    let entries: @Sendable (DomainDevices, PCIConnectContext) -> [PCIDeviceEntry]

    /// The families in the order libvirt gives addresses (qemuDomainAssignDevicePCISlots): pci controllers,
    /// filesystems, network interfaces, sound cards, the other controllers, virtio disks, host devices, the
    /// balloon, RNGs, the watchdog, videos, shared memory, virtio inputs, PCI serial ports, a virtio IOMMU,
    /// vsock, virtio memory devices.
    static let assignmentOrder: [PCIDeviceFamily] = [
        pciControllers, filesystems, interfaces, sounds, otherControllers, disks, hostdevs, memballoon, rngs,
        watchdog, videos, shmems, inputs, serials, iommus, vsocks, memories,
    ]

    /// Devices that never get a PCI address from the assigner but whose addresses given in the definition
    /// still take their slot.
    static let addressedOnly: [PCIDeviceFamily] = [consoles, channels, parallels, hubs, panics, otherGeneric]

    static let all = assignmentOrder + addressedOnly
}

extension PCIDeviceFamily {
    static let pciControllers = PCIDeviceFamily(name: "pci controllers") { d, _ in
        d.controllers.libvirtOrder.compactMap { i in
            let c = d.controllers[i]
            guard c.type == .pci else { return nil }
            let isRoot = c.model == .pciRoot || c.model == .pcieRoot
            return PCIDeviceEntry(
                address: \.controllers[i].address, element: "devices/controller", line: c.sourceLine.line,
                flags: c.model.map(PCIConnectFlags.init(pciController:)) ?? [],
                placement: isRoot ? .none : .nextFree)
        }
    }

    static let otherControllers = PCIDeviceFamily(name: "controllers") { d, ctx in
        d.controllers.libvirtOrder.compactMap { i in
            let c = d.controllers[i]
            guard c.type != .pci else { return nil }
            return PCIDeviceEntry(
                address: \.controllers[i].address, element: "devices/controller", line: c.sourceLine.line,
                flags: connectFlags(of: c, ctx), placement: placement(of: c))
        }
    }

    private static func connectFlags(of c: Controller, _ ctx: PCIConnectContext) -> PCIConnectFlags {
        switch c.type {
        case .sata, .ide: return ctx.pci
        case .usb:
            switch c.model {
            case nil, .piix3UHCI?, .piix4UHCI?, .ehci?, .ich9EHCI1?, .ich9UHCI1?, .ich9UHCI2?, .ich9UHCI3?,
                .vt82c686bUHCI?, .pciOHCI?:
                return ctx.pci
            case .necXHCI?, .qemuXHCI?: return ctx.pcie
            default: return []
            }
        case .scsi:
            switch c.model {
            case nil, .ncr53c90?: return []
            case .virtioSCSI?, .virtioNonTransitional?: return ctx.virtio
            default: return ctx.pci
            }
        case .virtioSerial: return c.model == .virtioTransitional ? ctx.pci : ctx.virtio
        case .fdc, .ccid, .xenbus, .isa, .pci: return []
        }
    }

    private static func placement(of c: Controller) -> PCIDeviceEntry.Placement {
        switch (c.type, c.model) {
        case (.usb, Controller.Model.none?), (.fdc, _), (.ccid, _), (.scsi, .ncr53c90?): return .none
        case (.ide, _) where c.index == 0: return .none  // the PIIX3's own IDE function
        case (.usb, .ich9EHCI1?): return .usb2Companion(index: c.index, function: 7, multifunction: nil)
        case (.usb, .ich9UHCI1?): return .usb2Companion(index: c.index, function: 0, multifunction: .on)
        case (.usb, .ich9UHCI2?): return .usb2Companion(index: c.index, function: 1, multifunction: nil)
        case (.usb, .ich9UHCI3?): return .usb2Companion(index: c.index, function: 2, multifunction: nil)
        default: return .nextFree
        }
    }

    /// A hostdev interface is placed with the host devices; a USB NIC is not on PCI.
    static let interfaces = family("interfaces", "devices/interface", \.interfaces) { n, ctx in
        guard n.type != .hostdev else { return [] }
        switch n.model {
        case .virtio?, .virtioNonTransitional?: return ctx.virtio
        case .virtioTransitional?: return ctx.pci
        case .e1000e?, nil: return ctx.pcie
        case .usbNet?: return []
        default: return ctx.pci
        }
    }

    static let sounds = family("sounds", "devices/sound", \.sounds) { s, ctx in
        s.model == .sb16 || s.model == .usb || s.model == .pcspk ? [] : ctx.pci
    }

    static let disks = family("virtio disks", "devices/disk", \.disks) { disk, ctx in
        disk.targetBus == .virtio ? ctx.virtio : []
    }

    static let memballoon = PCIDeviceFamily(name: "memballoon") { d, ctx in
        guard let m = d.memballoon else { return [] }
        let flags: PCIConnectFlags
        switch m.model {
        case .virtio, .virtioNonTransitional: flags = ctx.virtio
        case .virtioTransitional: flags = ctx.pci
        case .none: flags = []
        }
        return [
            PCIDeviceEntry(
                address: \.memballoonAddress, element: "devices/memballoon", line: m.sourceLine.line, flags: flags,
                placement: flags.isEmpty ? .none : .nextFree)
        ]
    }

    static let rngs = family("rngs", "devices/rng", \.rngs) { _, ctx in ctx.virtio }

    static let watchdog = PCIDeviceFamily(name: "watchdog") { d, ctx in
        guard let w = d.watchdog else { return [] }
        let flags = w.model == .i6300esb ? ctx.pci : []
        return [
            PCIDeviceEntry(
                address: \.watchdogAddress, element: "devices/watchdog", line: w.sourceLine.line, flags: flags,
                placement: flags.isEmpty ? .none : .nextFree)
        ]
    }

    static let videos = family("videos", "devices/video", \.videos) { v, ctx in videoFlags(v.model, ctx) }

    static func videoFlags(_ model: VideoDevice.Model, _ ctx: PCIConnectContext) -> PCIConnectFlags {
        switch model {
        case .virtio: return ctx.virtio
        case .vga, .cirrus, .qxl, .default: return ctx.pci
        case .bochs: return ctx.pcie
        case .none: return []
        }
    }

    static let inputs = family("virtio inputs", "devices/input", \.inputs) { input, ctx in
        input.bus == .virtio ? ctx.virtio : []
    }

    static let serials = family("pci serials", "devices/serial", \.serials) { s, ctx in
        s.targetType == .pciSerial ? ctx.pci : []
    }

    static let consoles = family("consoles", "devices/console", \.consoles) { _, _ in [] }
    static let parallels = family("parallels", "devices/parallel", \.parallels) { _, _ in [] }
    static let channels = family("channels", "devices/channel", \.channels) { _, _ in [] }
    static let hubs = family("hubs", "devices/hub", \.hubs) { _, _ in [] }
    static let panics = family("panics", "devices/panic", \.panics) { _, _ in [] }

    /// The family of the devices in `list`, each connecting as `flags` says and, when it connects at all,
    /// placed on the next free slot.
    private static func family<D: Addressable>(
        _ name: String, _ element: String, _ list: WritableKeyPath<DomainDevices, [D]> & Sendable,
        flags: @escaping @Sendable (D, PCIConnectContext) -> PCIConnectFlags
    ) -> PCIDeviceFamily {
        PCIDeviceFamily(name: name) { d, ctx in
            let devices: WritableKeyPath<DomainDevices, [D]> = list
            return d[keyPath: devices].enumerated().map { i, device in
                let address: WritableKeyPath<[D], DeviceAddress?> = \[D][i].address
                let f = flags(device, ctx)
                return PCIDeviceEntry(
                    address: devices.appending(path: address), element: element, line: device.sourceLine.line,
                    flags: f, placement: f.isEmpty ? .none : .nextFree)
            }
        }
    }
}

/// The device families the model keeps as `GenericDevice`: their connect flags read from the element as written.
extension PCIDeviceFamily {
    /// virtio-9p (the path and handle drivers) and virtiofs; libvirt gives every filesystem a slot.
    static let filesystems = generic("filesystem", always: true) { fs, ctx in
        switch fs.child("driver")?.value("type") {
        case nil, "default", "path", "handle": return fs.attribute("model") == "virtio-transitional" ? ctx.pci : ctx.virtio
        case "virtiofs": return ctx.virtio
        default: return []
        }
    }

    /// PCI host devices (PCIe unless their host device says otherwise, which libvirt reads from sysfs and which
    /// is not read here), vhost-scsi hosts, vfio-pci mediated devices.
    static let hostdevs = generic("hostdev") { h, ctx in
        guard (h.attribute("mode") ?? "subsystem") == "subsystem" else { return [] }
        switch h.attribute("type") {
        case "pci": return ctx.pcie
        case "scsi_host": return h.attribute("model") == "virtio-transitional" ? ctx.pci : ctx.virtio
        case "mdev": return h.attribute("model") == "vfio-pci" ? ctx.pcie : []
        default: return []
        }
    }

    static let shmems = generic("shmem") { _, ctx in ctx.pci }

    static let iommus = generic("iommu") { i, ctx in
        i.attribute("model") == "virtio" ? ctx.virtio.union(.integrated) : []
    }

    static let vsocks = generic("vsock") { v, ctx in
        v.attribute("model") == "virtio-transitional" ? ctx.pci : ctx.virtio
    }

    static let memories = generic("memory") { m, ctx in
        ["virtio-pmem", "virtio-mem"].contains(m.attribute("model")) ? ctx.virtio : []
    }

    static let pciGenericElements: Set = ["filesystem", "hostdev", "shmem", "iommu", "vsock", "memory"]

    /// Every other kept device: an address given to it still takes its slot.
    static let otherGeneric = PCIDeviceFamily(name: "other kept devices") { d, _ in
        d.generic.indices.compactMap { i in
            let g = d.generic[i]
            guard !pciGenericElements.contains(g.element) else { return nil }
            return PCIDeviceEntry(
                address: \.generic[i].address, element: "devices/" + g.element, line: g.sourceLine.line, flags: [],
                placement: .none)
        }
    }

    /// The kept devices named `element`, connecting as `flags` says; placed when they connect at all, or
    /// `always` (libvirt asks a slot for every filesystem).
    private static func generic(
        _ element: String, always: Bool = false,
        flags: @escaping @Sendable (GenericDevice, PCIConnectContext) -> PCIConnectFlags
    ) -> PCIDeviceFamily {
        PCIDeviceFamily(name: element) { d, ctx in
            d.generic.indices.compactMap { i in
                let g = d.generic[i]
                guard g.element == element else { return nil }
                let f = flags(g, ctx)
                return PCIDeviceEntry(
                    address: \.generic[i].address, element: "devices/" + element, line: g.sourceLine.line, flags: f,
                    placement: always || !f.isEmpty ? .nextFree : .none)
            }
        }
    }
}

extension GenericDevice {
    /// The first child element named `name` of the device as written.
    func child(_ name: String) -> KeptXML? { xml.children.first { $0.name == name } }
}

/// A device with an `<address>`.
protocol Addressable {
    var address: DeviceAddress? { get set }
    var sourceLine: SourceLine { get }
}

extension NetworkInterface: Addressable {}
extension SoundDevice: Addressable {}
extension Disk: Addressable {}
extension RNGDevice: Addressable {}
extension VideoDevice: Addressable {}
extension InputDevice: Addressable {}
extension CharDevice: Addressable {}
extension HubDevice: Addressable {}
extension PanicDevice: Addressable {}

extension DomainDevices {
    /// The balloon's address as one writable path (nothing to write without a balloon).
    fileprivate var memballoonAddress: DeviceAddress? {
        get { memballoon?.address }
        set { memballoon?.address = newValue }
    }

    fileprivate var watchdogAddress: DeviceAddress? {
        get { watchdog?.address }
        set { watchdog?.address = newValue }
    }
}
