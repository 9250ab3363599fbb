import Testing

@testable import SwiftVirtCore
@testable import SwiftVirtDaemon

@Suite struct HostDeviceReadingTests {
    @Test func pciIDsVendorAndDeviceLinesButNotSubsystemsOrClasses() {
        let (vendors, devices) = PCIIDs.parse(
            """
            # comment
            1af4  Red Hat, Inc.
            \t1000  Virtio network device
            \t\t1af4 0001  Virtio network device (subsystem)
            \t1045  Virtio 1.0 memory balloon
            8086  Intel Corporation
            \t0d57  Ice Lake host bridge
            C 02  Network controller
            \t00  Ethernet controller
            """)
        #expect(vendors == [0x1af4: "Red Hat, Inc.", 0x8086: "Intel Corporation"])
        #expect(devices[0x1af4_1000] == "Virtio network device")
        #expect(devices[0x1af4_1045] == "Virtio 1.0 memory balloon")
        #expect(devices[0x8086_0d57] == "Ice Lake host bridge")
        #expect(devices.count == 3)
    }

    @Test func pciAddressFromSysfsName() {
        #expect(
            NodeDeviceScanner.pciAddress("0000:3b:1f.7")
                == NodeDevice.PCIAddress(domain: 0, bus: 0x3b, slot: 0x1f, function: 7))
        #expect(NodeDeviceScanner.pciAddress("pci0000:00") == nil)
    }

    @Test func parentIsTheNearestListedAncestorElseComputer() {
        let names = ["/sys/devices/pci0000:00/0000:00:02.0": "pci_0000_00_02_0"]
        #expect(
            NodeDeviceScanner.parent(of: "/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda", among: names)
                == "pci_0000_00_02_0")
        #expect(NodeDeviceScanner.parent(of: "/sys/devices/virtual/net/lo", among: names) == "computer")
    }
}
