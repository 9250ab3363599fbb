/// Domain documents for `Integration.Addressing`: device mixes that exercise libvirt's PCI and USB address
/// assignment and the controllers it adds on pc and q35. NAME is replaced by a unique name. Refused documents
/// are wrong in ways libvirt finds while it gives addresses.
enum AddressingCorpus {
    static func domain(machine: String, _ devices: [String]) -> String {
        """
        <domain type='qemu'>
          <name>NAME</name>
          <memory unit='MiB'>256</memory>
          <vcpu>1</vcpu>
          <os>
            <type arch='x86_64' machine='\(machine)'>hvm</type>
          </os>
          <devices>
        \(devices.joined(separator: "\n"))
          </devices>
        </domain>
        """
    }

    static func disk(_ dev: String, bus: String = "virtio", _ inner: String = "") -> String {
        "<disk type='file' device='disk'><source file='/var/lib/swiftvirt/images/\(dev).img'/>"
            + "<target dev='\(dev)' bus='\(bus)'/>\(inner)</disk>"
    }

    static func net(_ model: String, _ n: Int, _ inner: String = "") -> String {
        let mac = String(format: "52:54:00:aa:%02x:%02x", n / 256, n % 256)
        return "<interface type='user'><mac address='\(mac)'/><model type='\(model)'/>\(inner)</interface>"
    }

    static func pci(bus: Int, slot: Int, function: Int = 0) -> String {
        String(format: "<address type='pci' domain='0x0000' bus='0x%02x' slot='0x%02x' function='0x%x'/>", bus, slot, function)
    }

    static func virtioDiskName(_ i: Int) -> String {
        "vd" + (i >= 26 ? String(UnicodeScalar(UInt8(96 + i / 26))) : "") + String(UnicodeScalar(UInt8(97 + i % 26)))
    }

    static let rng = "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"

    static let accepted: [(name: String, xml: String)] = [
        // More devices than bus 0 has slots: pci-bridges are added.
        (
            "pc-many-devices",
            domain(
                machine: "pc",
                (0..<12).map { disk(virtioDiskName($0)) } + (0..<18).map { net(["e1000", "rtl8139", "virtio"][$0 % 3], $0) }
                    + [
                        "<sound model='ac97'/>", "<sound model='ich6'/>", "<watchdog model='i6300esb'/>",
                        "<video><model type='vga'/></video>", rng,
                    ])
        ),
        ("pc-two-bridges", domain(machine: "pc", (0..<64).map { net("e1000", $0) })),
        // Conventional PCI devices behind a pcie-to-pci-bridge, PCIe ones each on a root port, ICH9 audio at 1b.
        (
            "q35-mixed",
            domain(
                machine: "q35",
                [
                    disk("vda"), disk("vdb"), disk("sda", bus: "sata"), disk("sdb", bus: "scsi"),
                    "<controller type='scsi' index='1' model='virtio-scsi'/>", net("virtio", 1), net("e1000", 2),
                    net("rtl8139", 3), net("e1000e", 4), "<input type='tablet' bus='usb'/>",
                    "<input type='keyboard' bus='virtio'/>", "<graphics type='vnc' port='-1'/>", "<sound model='ich9'/>",
                    "<sound model='ac97'/>", "<watchdog model='i6300esb'/>", "<video><model type='qxl'/></video>",
                    "<video><model type='virtio'/></video>", "<video><model type='qxl'/></video>", rng,
                    "<serial type='pty'><target type='pci-serial'/></serial>",
                ])
        ),
        // No video: slot 1 holds the root ports; user-given ports with and without chassis, port and address.
        (
            "q35-root-ports",
            domain(
                machine: "q35",
                [
                    "<controller type='pci' index='1' model='pcie-root-port'/>",
                    "<controller type='pci' index='2' model='pcie-root-port'><target chassis='9' port='0x20'/></controller>",
                    "<controller type='pci' index='3' model='pcie-root-port'>\(pci(bus: 0, slot: 5))</controller>",
                    "<controller type='pci' index='4' model='pcie-root-port'/>",
                    disk("vda", pci(bus: 3, slot: 0)), disk("vdb"), net("virtio", 1), net("e1000", 2),
                    net("virtio", 3, pci(bus: 0, slot: 0x0a)),
                ])
        ),
        ("q35-many-pcie", domain(machine: "q35", (0..<40).map { disk(virtioDiskName($0)) })),
        (
            "q35-many-conventional",
            domain(
                machine: "q35",
                (0..<40).map { net(["e1000", "rtl8139"][$0 % 2], $0) } + ["<controller type='usb' index='0'/>"])
        ),
        // ICH9 USB2 sets: the first at 1d, the second at 1a, the third where there is room; a CCID reader on USB.
        (
            "q35-ich9-usb",
            domain(
                machine: "q35",
                [
                    "<controller type='usb' index='0' model='ich9-ehci1'/>",
                    "<controller type='usb' index='0' model='ich9-uhci1'/>",
                    "<controller type='usb' index='0' model='ich9-uhci2'/>",
                    "<controller type='usb' index='0' model='ich9-uhci3'/>",
                    "<controller type='usb' index='1' model='ich9-ehci1'/>",
                    "<controller type='usb' index='1' model='ich9-uhci1'/>",
                    "<controller type='usb' index='2' model='ich9-ehci1'/>",
                    "<controller type='usb' index='2' model='ich9-uhci1'/>",
                    "<controller type='usb' index='2' model='ich9-uhci2'/>", "<controller type='ccid' index='0'/>",
                    disk("sda", bus: "usb"), "<input type='tablet' bus='usb'/>", "<input type='mouse' bus='usb'/>",
                    "<input type='keyboard' bus='usb'/>", "<hub type='usb'/>", "<sound model='usb'/>",
                ])
        ),
        // More USB devices than ports: hubs are added; an ich9 set on pc; a qemu-xhci with ports.
        (
            "pc-usb-hubs",
            domain(
                machine: "pc",
                [
                    "<controller type='usb' index='0' model='piix3-uhci'/>",
                    "<controller type='usb' index='1' model='ich9-ehci1'/>",
                    "<controller type='usb' index='1' model='ich9-uhci1'/>",
                    "<controller type='usb' index='1' model='ich9-uhci2'/>",
                    "<controller type='usb' index='1' model='ich9-uhci3'/>",
                    "<controller type='usb' index='2' model='qemu-xhci' ports='2'/>",
                ] + Array(repeating: "<input type='tablet' bus='usb'/>", count: 6)
                    + Array(repeating: "<input type='keyboard' bus='usb'/>", count: 6)
                    + [disk("sda", bus: "usb"), disk("sdb", bus: "usb", "<address type='usb' bus='2' port='1'/>")])
        ),
        // A PCIe topology given by the user: switch, DMI and PCIe-to-PCI bridges, a pci-bridge, an expander bus.
        (
            "q35-pcie-topology",
            domain(
                machine: "q35",
                [
                    "<controller type='pci' index='1' model='pcie-root-port'/>",
                    "<controller type='pci' index='2' model='pcie-switch-upstream-port'/>",
                    "<controller type='pci' index='3' model='pcie-switch-downstream-port'/>",
                    "<controller type='pci' index='4' model='pcie-switch-downstream-port'/>",
                    "<controller type='pci' index='5' model='dmi-to-pci-bridge'/>",
                    "<controller type='pci' index='6' model='pci-bridge'/>",
                    "<controller type='pci' index='7' model='pcie-root-port'/>",
                    "<controller type='pci' index='8' model='pcie-to-pci-bridge'/>",
                    "<controller type='pci' index='9' model='pcie-expander-bus'><target busNr='200'/></controller>",
                    "<controller type='pci' index='10' model='pcie-root-port'>\(pci(bus: 9, slot: 0))</controller>",
                    disk("vda"), disk("vdb"), disk("vdc"), net("e1000", 1), net("rtl8139", 2), net("virtio", 3),
                    "<controller type='usb' index='0' model='piix3-uhci'/>", "<sound model='ich6'/>",
                ])
        ),
        // Addresses given in part, an expander bus and a bridge on it, disks on the built-in and added controllers.
        (
            "pc-explicit",
            domain(
                machine: "pc",
                [
                    "<controller type='pci' index='1' model='pci-bridge'/>",
                    "<controller type='pci' index='2' model='pci-expander-bus'><target busNr='250'/></controller>",
                    "<controller type='pci' index='3' model='pci-bridge'>\(pci(bus: 2, slot: 1))</controller>",
                    disk("vda", pci(bus: 0, slot: 3)), disk("vdb", pci(bus: 1, slot: 7)), disk("vdc"),
                    disk("sda", bus: "sata"), disk("sdh", bus: "scsi"), disk("hda", bus: "ide"),
                    net("e1000", 1, pci(bus: 3, slot: 2)), net("virtio", 2),
                    "<video><model type='cirrus'/>\(pci(bus: 0, slot: 5))</video>",
                    "<memballoon model='virtio'>\(pci(bus: 0, slot: 2))</memballoon>",
                ])
        ),
        // Device families the model keeps as written still get libvirt's addresses: PCI for a filesystem, a PCI
        // host device, shmem and vsock; USB ports for a USB host device, the CCID reader and a redirdev in
        // libvirt's USB order; a CCID slot for the smartcard.
        (
            "q35-kept-devices",
            domain(
                machine: "q35",
                [
                    "<filesystem type='mount' accessmode='passthrough'><source dir='/tmp'/><target dir='share'/></filesystem>",
                    net("e1000", 1),
                    "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x06' "
                        + "slot='0x02' function='0x0'/></source></hostdev>",
                    "<hostdev mode='subsystem' type='usb' managed='yes'><source><vendor id='0x1234'/>"
                        + "<product id='0xbeef'/></source></hostdev>",
                    "<smartcard mode='passthrough' type='tcp'><source mode='bind' host='127.0.0.1' service='2001'/>"
                        + "<protocol type='raw'/></smartcard>",
                    "<input type='tablet' bus='usb'/>", "<graphics type='vnc' port='-1'/>",
                    "<redirdev bus='usb' type='tcp'><source mode='connect' host='127.0.0.1' service='4000'/></redirdev>",
                    "<shmem name='sh0'><model type='ivshmem-plain'/><size unit='M'>4</size></shmem>",
                    "<vsock model='virtio'><cid auto='yes'/></vsock>",
                ])
        ),
        // Functions of one slot given by the user: function 0 gets multifunction='on'.
        (
            "q35-multifunction",
            domain(
                machine: "q35",
                [
                    net("e1000", 1, pci(bus: 0, slot: 4, function: 1)), net("e1000", 2, pci(bus: 0, slot: 4)),
                    disk("vda"), "<controller type='virtio-serial' index='0' ports='8'/>",
                    "<channel type='pty'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>",
                    "<memballoon model='none'/>", "<video><model type='none'/></video>",
                ])
        ),
    ]

    static let refused: [String] = [
        domain(machine: "pc", [net("e1000", 1, pci(bus: 0, slot: 5)), net("e1000", 2, pci(bus: 0, slot: 5))]),
        domain(machine: "pc", ["<controller type='pci' index='1' model='pci-bridge'>\(pci(bus: 1, slot: 5))</controller>"]),
        domain(machine: "pc", ["<controller type='ide' index='0'>\(pci(bus: 0, slot: 5))</controller>"]),
        domain(machine: "pc", ["<input type='tablet' bus='usb'><address type='usb' bus='0' port='5'/></input>"]),
        domain(machine: "q35", ["<controller type='pci' index='1'/>"]),
        domain(machine: "pc", ["<controller type='pci' index='1' model='pcie-root-port'/>"]),
        domain(machine: "pc", ["<controller type='isa' index='0'/>"]),
        domain(machine: "q35", [net("e1000", 1, pci(bus: 0, slot: 0x1f, function: 3))]),
        domain(machine: "q35", ["<controller type='usb' index='0' model='qemu-xhci' ports='16'/>"]),
        domain(machine: "pc", ["<controller type='pci' index='1' model='pcie-expander-bus'/>"]),
        domain(machine: "q35", ["<controller type='pci' index='1' model='pcie-root-port'><target chassisNr='3'/></controller>"]),
        domain(
            machine: "q35",
            ["<hub type='usb'><address type='usb' bus='0' port='1'/></hub>",
             "<input type='tablet' bus='usb'><address type='usb' bus='0' port='1.9'/></input>"]),
    ]
}
