import CSwiftVirtSys
import FoundationEssentials
import SwiftVirtCore
import SwiftVirtSystem

/// Reads the host's devices from sysfs the way libvirt 9.0's udev node device backend names and describes them:
/// `computer`, then PCI functions, USB devices and interfaces, network interfaces, SCSI hosts, targets, devices
/// and generic nodes, and disks, each under the nearest listed ancestor (else `computer`). Stateless: every
/// call scans again. Blocking: run inside `BlockingIO.run`.
enum NodeDeviceScanner {
    /// Where sysfs and udev's database are: the host's, or a copy of a tree (tests).
    struct Root {
        var sys = "/sys"
        var udevData = "/run/udev/data"
        static let host = Root()
    }

    static func scan(root: Root = .host) -> [NodeDevice] {
        var devices: [NodeDevice] = [computer(root)]
        var nameByPath: [String: String] = [:]
        for path in SysfsEnumeration.devicePaths(root: root.sys) {
            guard let sys = SysfsDevice(path: path, udevData: root.udevData),
                !["acpi", "tty", "vc", "i2c"].contains(sys.subsystem ?? "")
            else { continue }
            guard var d = describe(sys, root) else { continue }
            d.parent = parent(of: path, among: nameByPath)
            nameByPath[path] = d.name
            devices.append(d)
        }
        return devices
    }

    /// The nearest ancestor directory that is a listed device (listed ones come first: sorted paths).
    static func parent(of path: String, among names: [String: String]) -> String {
        var p = PathText.directory(of: path)
        while p.count > 1 {
            if let name = names[p] { return name }
            p = PathText.directory(of: p)
        }
        return "computer"
    }

    /// libvirt's nodeDeviceGenerateName: SUBSYSTEM_SYSNAME[_SUFFIX], every non-alphanumeric character as `_`.
    static func name(_ sys: SysfsDevice, _ suffix: String?) -> String {
        let raw = "\(sys.subsystem ?? "")_\(sys.sysname)" + (suffix.map { "_" + $0 } ?? "")
        return String(raw.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    private static func describe(_ sys: SysfsDevice, _ root: Root) -> NodeDevice? {
        var d: NodeDevice?
        switch sys.devtype {
        case "disk": d = storage(sys)
        case "wlan": d = net(sys, wireless: true)
        case "usb_device": d = usbDevice(sys)
        case "usb_interface": d = usbInterface(sys)
        case "scsi_host": d = scsiHost(sys, root)
        case "scsi_target": d = NodeDevice(name: name(sys, nil), path: sys.path, parent: nil, capability: .scsiTarget(sys.sysname))
        case "scsi_device": d = scsi(sys)
        case nil:
            if sys.subsystem == "scsi_generic" {
                d = sys.devnode.map { NodeDevice(name: name(sys, nil), path: sys.path, parent: nil, capability: .scsiGeneric($0)) }
            } else if sys.properties["INTERFACE"] != nil {
                d = net(sys, wireless: false)
            } else if sys.properties["PCI_CLASS"] != nil {
                d = pci(sys)
            }
        default: d = nil
        }
        d?.devnode = sys.devnode
        d?.devlinks = sys.devlinks
        d?.driver = sys.link("driver")
        return d
    }

    private static func computer(_ root: Root) -> NodeDevice {
        var s = NodeDevice.System()
        let dmi = root.sys + "/class/dmi/id"
        if let sys = SysfsDevice(path: dmi, udevData: root.udevData) {
            s.product = sys.attribute("product_name")
            s.hardwareVendor = sys.attribute("sys_vendor")
            s.hardwareVersion = sys.attribute("product_version")
            s.hardwareSerial = sys.attribute("product_serial")
            s.uuid = sys.attribute("product_uuid").flatMap { DomainUUID(string: $0) }
            s.firmwareVendor = sys.attribute("bios_vendor")
            s.firmwareVersion = sys.attribute("bios_version")
            s.firmwareDate = sys.attribute("bios_date")
        }
        return NodeDevice(name: "computer", path: nil, parent: nil, capability: .system(s))
    }

    private static func net(_ sys: SysfsDevice, wireless: Bool) -> NodeDevice? {
        guard let ifname = sys.properties["INTERFACE"] else { return nil }
        var n = NodeDevice.Net(interface: ifname)
        n.wireless = wireless
        n.address = sys.attribute("address")
        guard let link = link(ifname) else { return nil }
        (n.linkState, n.linkSpeed) = (link.state, link.speed)
        let words = ["rx", "tx", "sg", "tso", "gso", "gro", "lro", "rxvlan", "txvlan", "ntuple", "rxhash", "rdma", "txudptnl"]
        let bits = sv_ethtool_features(ifname)
        n.features = words.indices.filter { bits & (1 << UInt32($0)) != 0 }.map { words[$0] }
        return NodeDevice(name: name(sys, n.address), path: sys.path, parent: nil, capability: .net(n))
    }

    /// libvirt's virNetDevGetLinkInfo: operstate (nil when not one of the kernel's words) and, when up, the speed
    /// (-1, "unknown", reads as 4294967295).
    static func link(_ ifname: String) -> (state: String, speed: UInt32)? {
        let states = ["unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"]
        guard let state = SysfsDevice.read("/sys/class/net/\(ifname)/operstate")?.split(separator: "\n").first,
            states.contains(String(state))
        else { return nil }
        guard state == "up",
            let speed = SysfsDevice.read("/sys/class/net/\(ifname)/speed").flatMap({ Int64($0.trimmingWhitespace()) })
        else { return (String(state), 0) }
        return (String(state), UInt32(truncatingIfNeeded: speed))
    }

    private static func storage(_ sys: SysfsDevice) -> NodeDevice? {
        guard let devnode = sys.devnode else { return nil }
        var driveType = sys.properties["ID_TYPE"]
        if driveType == nil || driveType == "generic" {
            if sys.properties["ID_DRIVE_FLOPPY"] != nil {
                driveType = "floppy"
            } else if sys.properties["ID_CDROM"] != nil {
                driveType = "cd"
            } else if sys.properties["ID_DRIVE_FLASH_SD"] != nil {
                driveType = "sd"
            } else {
                let guesses = [("/dev/vd", "disk"), ("/dev/dasd", "dasd"), ("/dev/nvme", "disk")]
                driveType = guesses.first { devnode.hasPrefix($0.0) }?.1
            }
        }
        // Only disks are described; libvirt's removable media (cd, floppy, sd) and DASD kinds are not read here.
        guard driveType == "disk" else { return nil }
        var s = NodeDevice.Storage(block: devnode, driveType: "disk")
        s.bus = sys.properties["ID_BUS"]
        s.serial = sys.properties["ID_SERIAL"]
        s.vendor = sys.attribute("device/vendor")?.trimmingWhitespace()
        s.model = sys.attribute("device/model")?.trimmingWhitespace()
        s.numBlocks = sys.attribute("size").flatMap { UInt64($0) } ?? 0
        s.logicalBlockSize = sys.attribute("queue/logical_block_size").flatMap { UInt64($0) } ?? 0
        s.size = s.numBlocks &* s.logicalBlockSize
        return NodeDevice(name: name(sys, s.serial), path: sys.path, parent: nil, capability: .storage(s))
    }
}
