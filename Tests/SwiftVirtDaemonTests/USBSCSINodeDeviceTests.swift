import Foundation
import Testing

@testable import SwiftVirtCore
@testable import SwiftVirtDaemon

/// USB and SCSI node devices, read from a sysfs tree laid out as the kernel lays it out (this machine has no USB
/// bus and no SCSI host, so the tree is written here): a root hub with a tablet and its interface, and a SCSI host
/// with a CD-ROM and its generic node. The expected XML is libvirt 9.0's format for these capabilities.
@Suite struct USBSCSINodeDeviceTests {
    /// A sysfs tree and udev database under a fresh directory.
    struct Tree {
        let root: String

        init() throws {
            let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("svt-sysfs-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
            root = SysfsEnumeration.realPath(base.path)!
        }

        var sys: String { root + "/sys" }

        func file(_ path: String, _ text: String) throws {
            let full = sys + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: false, encoding: .utf8)
        }

        func link(_ path: String, to target: String) throws {
            let full = sys + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: sys + "/" + target)
        }

        /// A device directory: its uevent, its subsystem link, its listing under bus/ or class/, attributes.
        func device(
            _ path: String, subsystem: String, listedAs listing: String, uevent: [String], attributes: [String: String] = [:]
        ) throws {
            try file(path + "/uevent", uevent.joined(separator: "\n") + "\n")
            try link(path + "/subsystem", to: subsystem)
            try link(listing, to: path)
            for (name, value) in attributes { try file(path + "/" + name, value + "\n") }
        }

        func udev(_ name: String, _ lines: [String]) throws {
            try FileManager.default.createDirectory(atPath: root + "/udev", withIntermediateDirectories: true)
            try lines.joined(separator: "\n").write(toFile: root + "/udev/" + name, atomically: false, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    static func writeHost(_ t: Tree) throws {
        let hub = "devices/platform/dummy_hcd.0/usb1"
        try t.device(
            hub, subsystem: "bus/usb", listedAs: "bus/usb/devices/usb1",
            uevent: ["MAJOR=189", "MINOR=0", "DEVNAME=bus/usb/001/001", "DEVTYPE=usb_device", "BUSNUM=001", "DEVNUM=001"],
            attributes: ["manufacturer": "Linux 6.1.0 dummy_hcd", "product": "Dummy host controller"])
        try t.udev("c189:0", ["E:ID_VENDOR_ID=1d6b", "E:ID_MODEL_ID=0002", "E:ID_VENDOR_FROM_DATABASE=Linux Foundation",
                              "E:ID_MODEL_FROM_DATABASE=2.0 root hub"])
        try t.device(
            hub + "/1-1", subsystem: "bus/usb", listedAs: "bus/usb/devices/1-1",
            uevent: ["MAJOR=189", "MINOR=1", "DEVNAME=bus/usb/001/002", "DEVTYPE=usb_device", "BUSNUM=001", "DEVNUM=002"],
            attributes: ["manufacturer": "QEMU", "product": "QEMU USB Tablet"])
        try t.udev("c189:1", ["E:ID_VENDOR_ID=0627", "E:ID_MODEL_ID=0001"])
        try t.device(
            hub + "/1-1/1-1:1.0", subsystem: "bus/usb", listedAs: "bus/usb/devices/1-1:1.0",
            uevent: ["DEVTYPE=usb_interface", "INTERFACE=3/0/0"],
            attributes: ["bInterfaceNumber": "00", "bInterfaceClass": "03", "bInterfaceSubClass": "00",
                         "bInterfaceProtocol": "00"])

        let host = "devices/platform/scsi_debug.0/host3"
        try t.device(host, subsystem: "bus/scsi", listedAs: "bus/scsi/devices/host3", uevent: ["DEVTYPE=scsi_host"])
        // The scsi_host class device: listed, but libvirt gives it no capability; it holds unique_id.
        try t.device(
            host + "/scsi_host/host3", subsystem: "class/scsi_host", listedAs: "class/scsi_host/host3", uevent: [],
            attributes: ["unique_id": "4"])
        try t.device(
            host + "/target3:0:0", subsystem: "bus/scsi", listedAs: "bus/scsi/devices/target3:0:0",
            uevent: ["DEVTYPE=scsi_target"])
        try t.device(
            host + "/target3:0:0/3:0:0:1", subsystem: "bus/scsi", listedAs: "bus/scsi/devices/3:0:0:1",
            uevent: ["DEVTYPE=scsi_device", "MODALIAS=scsi:t-0x05"], attributes: ["type": "5"])
        try t.device(
            host + "/target3:0:0/3:0:0:1/scsi_generic/sg2", subsystem: "class/scsi_generic",
            listedAs: "class/scsi_generic/sg2", uevent: ["MAJOR=21", "MINOR=2", "DEVNAME=sg2"])
    }

    static func scan() throws -> (Tree, [String: NodeDevice]) {
        let tree = try Tree()
        try writeHost(tree)
        let devices = NodeDeviceScanner.scan(root: .init(sys: tree.sys, udevData: tree.root + "/udev"))
        return (tree, Dictionary(devices.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }))
    }

    @Test func usbDevicesAndInterfacesAsLibvirtFormatsThem() throws {
        let (tree, byName) = try Self.scan()
        defer { tree.remove() }
        let hub = "\(tree.sys)/devices/platform/dummy_hcd.0/usb1"
        #expect(NodeDeviceXML.format(try #require(byName["usb_usb1"])) == """
            <device>
              <name>usb_usb1</name>
              <path>\(hub)</path>
              <devnode type='dev'>/dev/bus/usb/001/001</devnode>
              <parent>computer</parent>
              <capability type='usb_device'>
                <bus>1</bus>
                <device>1</device>
                <product id='0x0002'>2.0 root hub</product>
                <vendor id='0x1d6b'>Linux Foundation</vendor>
              </capability>
            </device>

            """)
        // No names in udev's database: the device's own strings.
        #expect(NodeDeviceXML.format(try #require(byName["usb_1_1"])) == """
            <device>
              <name>usb_1_1</name>
              <path>\(hub)/1-1</path>
              <devnode type='dev'>/dev/bus/usb/001/002</devnode>
              <parent>usb_usb1</parent>
              <capability type='usb_device'>
                <bus>1</bus>
                <device>2</device>
                <product id='0x0001'>QEMU USB Tablet</product>
                <vendor id='0x0627'>QEMU</vendor>
              </capability>
            </device>

            """)
        // An interface carries an INTERFACE property too, but its DEVTYPE says what it is (not a network device).
        #expect(NodeDeviceXML.format(try #require(byName["usb_1_1_1_0"])) == """
            <device>
              <name>usb_1_1_1_0</name>
              <path>\(hub)/1-1/1-1:1.0</path>
              <parent>usb_1_1</parent>
              <capability type='usb'>
                <number>0</number>
                <class>3</class>
                <subclass>0</subclass>
                <protocol>0</protocol>
              </capability>
            </device>

            """)
    }

    @Test func scsiHostTargetDeviceAndGenericNodeAsLibvirtFormatsThem() throws {
        let (tree, byName) = try Self.scan()
        defer { tree.remove() }
        let host = "\(tree.sys)/devices/platform/scsi_debug.0/host3"
        let classDevice = byName.values.filter { ($0.path ?? "").hasSuffix("scsi_host/host3") }
        #expect(classDevice.isEmpty)
        #expect(NodeDeviceXML.format(try #require(byName["scsi_host3"])) == """
            <device>
              <name>scsi_host3</name>
              <path>\(host)</path>
              <parent>computer</parent>
              <capability type='scsi_host'>
                <host>3</host>
                <unique_id>4</unique_id>
              </capability>
            </device>

            """)
        #expect(NodeDeviceXML.format(try #require(byName["scsi_target3_0_0"])) == """
            <device>
              <name>scsi_target3_0_0</name>
              <path>\(host)/target3:0:0</path>
              <parent>scsi_host3</parent>
              <capability type='scsi_target'>
                <target>target3:0:0</target>
              </capability>
            </device>

            """)
        #expect(NodeDeviceXML.format(try #require(byName["scsi_3_0_0_1"])) == """
            <device>
              <name>scsi_3_0_0_1</name>
              <path>\(host)/target3:0:0/3:0:0:1</path>
              <parent>scsi_target3_0_0</parent>
              <capability type='scsi'>
                <host>3</host>
                <bus>0</bus>
                <target>0</target>
                <lun>1</lun>
                <type>cdrom</type>
              </capability>
            </device>

            """)
        #expect(NodeDeviceXML.format(try #require(byName["scsi_generic_sg2"])) == """
            <device>
              <name>scsi_generic_sg2</name>
              <path>\(host)/target3:0:0/3:0:0:1/scsi_generic/sg2</path>
              <devnode type='dev'>/dev/sg2</devnode>
              <parent>scsi_3_0_0_1</parent>
              <capability type='scsi_generic'>
                <char>/dev/sg2</char>
              </capability>
            </device>

            """)
        #expect(byName["scsi_3_0_0_1"]?.capabilityNames == ["scsi"])
    }
}
