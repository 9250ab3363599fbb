import SwiftVirtCore
import Testing

/// USB ports after `applyDefaults`, as libvirt 9.0 gives them (each layout read from libvirtd 9.0's dumpxml).
@Suite struct USBAddressingTests {
    static func ports(_ d: DomainDevices) -> [String] {
        (d.hubs.map(\.address) + d.inputs.filter { $0.bus == .usb }.map(\.address)).map { a in
            guard case .usb(let u)? = a else { return "-" }
            return "\(u.bus):\(u.port ?? "")"
        }
    }

    /// The PIIX3 has two ports; five tablets need a hub, which takes port 1 first; then port 2 and the hub's.
    @Test func hubsAreAddedWhenDevicesOutnumberPorts() throws {
        let d = try AddressingTests.completed("pc", String(repeating: "<input type='tablet' bus='usb'/>", count: 5))
        #expect(d.devices.hubs.count == 1)
        #expect(Self.ports(d.devices) == ["0:1", "0:2", "0:1.1", "0:1.2", "0:1.3", "0:1.4"])
    }

    /// Ports given in the definition are taken first; a device that names only a bus gets a port there;
    /// qemu-xhci has as many ports as `ports=` says; ich9 UHCI companions add no bus of their own.
    @Test func givenPortsBusesAndControllerSizes() throws {
        let d = try AddressingTests.completed(
            "pc",
            "<controller type='usb' index='1' model='ich9-ehci1'/><controller type='usb' index='1' model='ich9-uhci1'/>"
                + "<controller type='usb' index='2' model='qemu-xhci' ports='1'/>"
                + "<input type='tablet' bus='usb'/><input type='tablet' bus='usb'><address type='usb' bus='0' port='1'/>"
                + "</input><input type='mouse' bus='usb'><address type='usb' bus='2'/></input>"
                + "<input type='keyboard' bus='usb'/><input type='keyboard' bus='usb'/>")
        #expect(Self.ports(d.devices) == ["0:2", "0:1", "2:1", "1:1", "1:2"])
        #expect(d.devices.hubs.isEmpty)
    }

    @Test(arguments: [
        ("<input type='tablet' bus='usb'><address type='usb' bus='0' port='5'/></input>",
         "XML error: requested USB port 5 not present on USB bus 0"),
        ("<input type='tablet' bus='usb'><address type='usb' bus='0' port='1'/></input>"
            + "<input type='mouse' bus='usb'><address type='usb' bus='0' port='1'/></input>",
         "XML error: Duplicate USB address bus 0 port 1"),
        ("<input type='tablet' bus='usb'><address type='usb' bus='0' port='2.1'/></input>",
         "XML error: there is no hub at port 2 in USB address bus: 0 port: 2.1"),
        ("<input type='tablet' bus='usb'><address type='usb' bus='3'/></input>",
         "XML error: USB bus 3 requested but no controller with that index is present"),
        ("<controller type='usb' model='none'/><input type='tablet' bus='usb'/>",
         "unsupported configuration: Can't add USB input device. USB bus is disabled"),
        ("<controller type='usb' index='0' model='ich9-uhci1'/>",
         "No master USB controller specified"),
    ])
    func refusedAsLibvirtRefusesThem(devices: String, message: String) throws {
        #expect {
            try AddressingTests.completed("pc", devices)
        } throws: { error in
            (error as? DomainXMLError)?.virtError.message.hasPrefix(message + " (<devices") == true
        }
    }
}
