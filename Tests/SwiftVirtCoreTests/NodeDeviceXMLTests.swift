import Testing

@testable import SwiftVirtCore

@Suite struct NodeDeviceXMLTests {
    @Test func pciWithExpressLinkIOMMUAndVirtualFunctions() {
        let a = NodeDevice.PCIAddress(domain: 0, bus: 0x3b, slot: 0, function: 0)
        var p = NodeDevice.PCI(address: a, vendor: 0x8086, product: 0x1572)
        p.classCode = 0x020000
        p.vendorName = "Intel Corporation"
        p.virtualFunctions = .init(max: 64, functions: [])
        p.iommuGroup = .init(number: 30, members: [a])
        p.numaNode = 0
        p.express = .init(cap: .init(port: 0, speed: 3, width: 8), sta: .init(port: nil, speed: 3, width: 8))
        var d = NodeDevice(
            name: "pci_0000_3b_00_0", path: "/sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0",
            parent: "pci_0000_3a_00_0", capability: .pci(p))
        d.driver = "i40e"
        #expect(
            NodeDeviceXML.format(d) == """
                <device>
                  <name>pci_0000_3b_00_0</name>
                  <path>/sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0</path>
                  <parent>pci_0000_3a_00_0</parent>
                  <driver>
                    <name>i40e</name>
                  </driver>
                  <capability type='pci'>
                    <class>0x020000</class>
                    <domain>0</domain>
                    <bus>59</bus>
                    <slot>0</slot>
                    <function>0</function>
                    <product id='0x1572'/>
                    <vendor id='0x8086'>Intel Corporation</vendor>
                    <capability type='virt_functions' maxCount='64'/>
                    <iommuGroup number='30'>
                      <address domain='0x0000' bus='0x3b' slot='0x00' function='0x0'/>
                    </iommuGroup>
                    <numa node='0'/>
                    <pci-express>
                      <link validity='cap' port='0' speed='8' width='8'/>
                      <link validity='sta' speed='8' width='8'/>
                    </pci-express>
                  </capability>
                </device>

                """)
    }

    @Test func storageAndWirelessNet() {
        var s = NodeDevice.Storage(block: "/dev/sda", driveType: "disk")
        (s.bus, s.model, s.vendor, s.serial) = ("ata", "Samsung SSD", "ATA", "S1")
        (s.size, s.logicalBlockSize, s.numBlocks) = (1024, 512, 2)
        let disk = NodeDeviceXML.format(
            NodeDevice(name: "block_sda_S1", path: "/sys/block/sda", parent: "computer", capability: .storage(s)))
        #expect(
            disk.contains(
                "<block>/dev/sda</block>\n    <bus>ata</bus>\n    <drive_type>disk</drive_type>\n"
                    + "    <model>Samsung SSD</model>\n    <vendor>ATA</vendor>\n    <serial>S1</serial>\n"
                    + "    <size>1024</size>\n    <logical_block_size>512</logical_block_size>\n"
                    + "    <num_blocks>2</num_blocks>\n"))
        var n = NodeDevice.Net(interface: "wlp2s0")
        (n.wireless, n.linkState) = (true, "down")
        let wlan = NodeDeviceXML.format(
            NodeDevice(name: "net_wlp2s0", path: "/sys/x", parent: "computer", capability: .net(n)))
        #expect(wlan.contains("<interface>wlp2s0</interface>\n    <link state='down'/>\n    <capability type='80211'/>"))
    }
}
