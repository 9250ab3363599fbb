import Foundation
import SwiftVirtCore
import Testing

/// Addresses and controllers after `applyDefaults`, as libvirt 9.0 gives them at define. Each expected layout
/// was read from `virsh dumpxml --inactive` of the same document on libvirtd 9.0 (Integration.Addressing
/// compares many more side by side).
@Suite struct AddressingTests {
    static func completed(_ machine: String, _ devices: String) throws -> DomainDefinition {
        var d = try DomainXML.parse(
            "<domain type='qemu'><name>t</name><memory>65536</memory><os><type arch='x86_64' machine='\(machine)'>hvm"
                + "</type></os><devices>\(devices)</devices></domain>")
        try d.applyDefaults()
        try d.validate()
        return d
    }

    static func nets(_ count: Int, model: String = "e1000") -> String {
        (1...count).map {
            "<interface type='user'><mac address='52:54:00:00:00:\(String(format: "%02x", $0))'/>"
                + "<model type='\(model)'/></interface>"
        }.joined()
    }

    static func pci(_ d: DomainDevices, _ type: Controller.ControllerType, _ index: Int) -> Controller? {
        d.controllers.first { $0.type == type && $0.index == index }
    }

    /// A new q35 guest without video: root ports are functions of slot 1; the conventional NIC is behind a
    /// pcie-to-pci-bridge on the first port; one port is left empty for hotplug.
    @Test func newQ35GuestLayout() throws {
        let d = try Self.completed(
            "q35", Self.nets(1) + "<disk type='file'><source file='/x.img'/><target dev='vda' bus='virtio'/></disk>"
        ).devices
        let ports = d.controllers.filter { $0.model == .pcieRootPort }
        #expect(ports.map(\.address?.pci?.description) == (0...4).map { "0000:00:01.\($0)" })
        #expect(ports.first?.address?.pci?.multifunction == .on)
        #expect(ports.map(\.target.port) == [8, 9, 10, 11, 12])
        #expect(ports.map(\.target.chassis) == ports.map(\.index))
        let bridge = try #require(d.controllers.first { $0.model == .pcieToPCIBridge })
        #expect(bridge.index == 2 && bridge.modelName == .pciePCIBridge && bridge.address?.pci?.bus == 1)
        #expect(d.interfaces.first?.address?.pci?.description == "0000:02:01.0")
        // Controllers come before disks: qemu-xhci on port 3, the disk on 4, the balloon on 5, 6 empty for hotplug.
        #expect(Self.pci(d, .usb, 0)?.address?.pci?.description == "0000:03:00.0")
        #expect(d.disks.first?.address?.pci?.description == "0000:04:00.0")
        #expect(d.memballoon?.address?.pci?.bus == 5)
        #expect(ports.last?.index == 6)
    }

    /// With video at slot 1 the root ports start at slot 2; ICH9 audio goes to 00:1b.0.
    @Test func q35VideoAndAudioHaveTheirChipsetPlaces() throws {
        let d = try Self.completed(
            "q35", "<graphics type='vnc'/><sound model='ich9'/><sound model='ich9'/>").devices
        #expect(d.videos.first?.address?.pci?.description == "0000:00:01.0")
        #expect(d.sounds.first?.address?.pci?.description == "0000:00:1b.0")
        #expect(d.sounds.last?.address?.pci?.bus == 2)  // the second one behind the bridge
        #expect(d.controllers.first { $0.model == .pcieRootPort }?.address?.pci?.description == "0000:00:02.0")
    }

    /// pc holds a slot of bus 0 back for a bridge: 29 NICs and the balloon fit without one, 30 devices do not.
    @Test(arguments: [(28, false), (29, true)])
    func pcAddsAPCIBridgeWhenBusZeroFills(nics: Int, bridge: Bool) throws {
        let d = try Self.completed("pc", Self.nets(nics)).devices
        let bridges = d.controllers.filter { $0.model == .pciBridge }
        #expect(bridges.count == (bridge ? 1 : 0))
        if bridge {
            #expect(bridges.first?.address?.pci?.description == "0000:00:02.0")
            #expect(bridges.first?.target.chassisNr == 1)
            #expect(d.memballoon?.address?.pci?.description == "0000:01:01.0")
        } else {
            #expect(d.memballoon?.address?.pci?.description == "0000:00:1e.0")
        }
    }

    /// The first ich9 USB2 set goes to 1d, the second to 1a, a third wherever there is room (behind the
    /// bridge: UHCI is conventional PCI); the EHCI is function 7, UHCI1-3 functions 0-2 with multifunction.
    @Test func ich9USBSetsShareTheirSlot() throws {
        let sets = [(0, ["ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3"]), (1, ["ich9-ehci1", "ich9-uhci1"]),
                    (2, ["ich9-ehci1", "ich9-uhci1"])]
        let xml = sets.flatMap { index, models in
            models.map { "<controller type='usb' index='\(index)' model='\($0)'/>" }
        }.joined()
        let d = try Self.completed("q35", xml).devices
        func place(_ index: Int, _ model: Controller.Model) -> String? {
            d.controllers.first { $0.index == index && $0.model == model }?.address?.pci?.description
        }
        #expect(place(0, .ich9EHCI1) == "0000:00:1d.7")
        #expect(place(0, .ich9UHCI1) == "0000:00:1d.0")
        #expect(place(0, .ich9UHCI3) == "0000:00:1d.2")
        #expect(place(1, .ich9UHCI1) == "0000:00:1a.0")
        #expect(place(1, .ich9EHCI1) == "0000:00:1a.7")
        #expect(place(2, .ich9UHCI1) == "0000:02:01.0")
        #expect(place(2, .ich9EHCI1) == "0000:02:01.7")
        #expect(d.controllers.first { $0.index == 1 && $0.model == .ich9UHCI1 }?.address?.pci?.multifunction == .on)
        #expect(d.controllers.first { $0.index == 2 && $0.model == .ich9UHCI1 }?.masterStartPort == 0)
    }

    @Test func givenAddressesStayAndFunctionZeroBecomesMultifunction() throws {
        let a = { (slot: Int, function: Int) in
            "<address type='pci' domain='0x0000' bus='0x00' slot='\(slot)' function='\(function)'/>"
        }
        let d = try Self.completed(
            "pc",
            "<interface type='user'><model type='e1000'/>\(a(4, 1))</interface>"
                + "<interface type='user'><model type='e1000'/>\(a(4, 0))</interface>"
                + "<interface type='user'><model type='e1000'/></interface>"
        ).devices
        #expect(d.interfaces.map(\.address?.pci?.description) == ["0000:00:04.1", "0000:00:04.0", "0000:00:02.0"])
        #expect(d.interfaces[1].address?.pci?.multifunction == .on)
        #expect(d.memballoon?.address?.pci?.description == "0000:00:03.0")
    }

    /// Root ports written out of index order are placed in libvirt's order (index 1 first), and stay where
    /// they were written.
    @Test func controllersArePlacedInLibvirtsOrder() throws {
        let d = try Self.completed(
            "q35",
            "<controller type='pci' index='2' model='pcie-root-port'/><controller type='pci' index='1' model='pcie-root-port'/>"
        ).devices
        let ports = d.controllers.filter { $0.model == .pcieRootPort }
        #expect(ports.map(\.index) == [2, 1])
        #expect(ports.map(\.address?.pci?.description) == ["0000:00:01.1", "0000:00:01.0"])
        #expect(d.controllers.libvirtOrder.map { d.controllers[$0].index }.prefix(2) == [1, 2])
    }

    @Test func controllerTargetsGetLibvirtsDefaults() throws {
        let d = try Self.completed(
            "pc",
            "<controller type='pci' index='1' model='pci-expander-bus'/><controller type='pci' index='2' model='pci-expander-bus'/>"
        ).devices
        #expect(Self.pci(d, .pci, 1)?.target.busNr == 254)
        #expect(Self.pci(d, .pci, 2)?.target.busNr == 252)
        #expect(Self.pci(d, .pci, 1)?.modelName == .pxb)
        let q = try Self.completed(
            "q35",
            "<controller type='pci' index='1' model='pcie-root-port'/><controller type='pci' index='2' "
                + "model='pcie-switch-upstream-port'/><controller type='pci' index='3' model='pcie-switch-downstream-port'/>"
        ).devices
        let down = try #require(Self.pci(q, .pci, 3))
        #expect(down.modelName == .xio3130Downstream && down.target.chassis == 3 && down.target.port == 0)
        #expect(down.address?.pci?.bus == 2)
        #expect(Self.pci(q, .pci, 2)?.modelName == .x3130Upstream)
    }

    /// Families the model keeps as written are addressed too: a filesystem is the second family placed (after
    /// pci controllers), a PCI host device comes after the controllers and disks; a USB host device takes USB port 1 (host
    /// devices come first on USB), the smartcard's CCID reader port 2, the tablet 3, the redirdev 4.
    @Test func keptDeviceFamiliesGetLibvirtsAddresses() throws {
        let d = try Self.completed(
            "q35",
            "<filesystem type='mount'><source dir='/tmp'/><target dir='share'/></filesystem>" + Self.nets(1)
                + "<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='6' slot='2' function='0'/>"
                + "</source></hostdev><hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/>"
                + "<product id='0xbeef'/></source></hostdev><smartcard mode='passthrough' type='tcp'><source mode='bind' "
                + "host='127.0.0.1' service='2001'/></smartcard><input type='tablet' bus='usb'/>"
                + "<redirdev bus='usb' type='tcp'><source mode='connect' host='127.0.0.1' service='4000'/></redirdev>"
        ).devices
        func address(_ element: String) -> [String] {
            d.generic.filter { $0.element == element }.map {
                switch $0.address {
                case .pci(let a)?: return a.description
                case .usb(let u)?: return "usb \(u.bus):\(u.port ?? "")"
                case .other(let o)?: return o.type + " " + o.attributes.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
                default: return "-"
                }
            }
        }
        #expect(address("filesystem") == ["0000:02:00.0"])
        #expect(d.interfaces.first?.address?.pci?.description == "0000:03:01.0")
        #expect(address("hostdev") == ["0000:05:00.0", "usb 0:1"])  // after qemu-xhci (04), a controller
        #expect(address("smartcard") == ["ccid controller=0 slot=0"])
        #expect(Self.pci(d, .ccid, 0)?.address == .usb(USBAddress(bus: 0, port: "2")))
        #expect(d.inputs.first { $0.bus == .usb }?.address == .usb(USBAddress(bus: 0, port: "3")))
        #expect(d.redirdevs.map(\.address) == [.usb(USBAddress(bus: 0, port: "4"))])
    }

    @Test(arguments: [
        ("pc", "<controller type='ide' index='0'><address type='pci' bus='0' slot='5'/></controller>",
         "internal error: Primary IDE controller must have PCI address 0:0:1.1"),
        ("q35", "<controller type='sata' index='0'><address type='pci' bus='0' slot='5'/></controller>",
         "internal error: Primary SATA controller must have PCI address 0:0:1f.2"),
        ("q35", "<controller type='pci' index='1'/>", "internal error: PCI controller model was not set correctly"),
        ("pc", "<controller type='pci' index='1' model='pcie-root-port'/>",
         "internal error: a PCI slot is needed to connect a PCI controller model='pcie-root-port', but none is "
            + "available, and it cannot be automatically added"),
        ("pc", "<controller type='isa' index='0'/>",
         "internal error: Cannot automatically add a new PCI bus for a device with connect flags 00"),
        ("q35", "<controller type='usb' model='piix3-uhci'><address type='pci' bus='0' slot='1' function='2'/></controller>",
         "internal error: Bus 0 must be PCI for integrated PIIX3 USB or IDE controllers"),
        ("pc", "<controller type='pci' index='1' model='pci-bridge'><address type='pci' bus='1' slot='5'/></controller>",
         "unsupported configuration: PCI controller at index 1 (0x01) has bus='0x01', but index must be larger than bus"),
        ("q35", "<interface type='user'><model type='e1000'/><address type='pci' bus='0' slot='0x1f' function='3'/>"
            + "</interface>",
         "XML error: Attempted double use of PCI Address 0000:00:1f.3"),
    ])
    /// libvirt's code and words first; then where in the definition.
    func refusedAsLibvirtRefusesThem(machine: String, devices: String, message: String) throws {
        #expect {
            try Self.completed(machine, devices)
        } throws: { error in
            (error as? DomainXMLError)?.virtError.message.hasPrefix(message + " (<devices") == true
        }
    }
}
