import SwiftVirtCore

/// USB and SCSI devices as libvirt 9.0's udev backend reads them: the USB ids from udev's properties (its
/// database), the names from udev's database or else the device's own strings; SCSI addresses from the sysfs
/// names (`host0`, `0:0:0:0`). Fibre Channel hosts and remote ports (fc_host, vport_ops, fc_remote_port) are
/// not read.
extension NodeDeviceScanner {
    /// udevGetUintProperty: a missing property reads as 0, a malformed one drops the device.
    private static func number(_ sys: SysfsDevice, _ key: String, radix: Int) -> UInt32?? {
        guard let text = sys.properties[key] else { return .some(0) }
        return UInt32(text, radix: radix).map { .some($0) } ?? .none
    }

    /// udevGetUintSysfsAttr: the same for an attribute.
    private static func attributeNumber(_ sys: SysfsDevice, _ name: String, radix: Int) -> UInt32?? {
        guard let text = sys.attribute(name) else { return .some(0) }
        return UInt32(text.trimmingWhitespace(), radix: radix).map { .some($0) } ?? .none
    }

    static func usbDevice(_ sys: SysfsDevice) -> NodeDevice? {
        guard case let bus?? = number(sys, "BUSNUM", radix: 10), case let device?? = number(sys, "DEVNUM", radix: 10),
            case let vendor?? = number(sys, "ID_VENDOR_ID", radix: 16),
            case let product?? = number(sys, "ID_MODEL_ID", radix: 16)
        else { return nil }
        var u = NodeDevice.USBDevice(bus: bus, device: device, vendor: vendor, product: product)
        u.vendorName = sys.properties["ID_VENDOR_FROM_DATABASE"] ?? sys.attribute("manufacturer")
        u.productName = sys.properties["ID_MODEL_FROM_DATABASE"] ?? sys.attribute("product")
        return NodeDevice(name: name(sys, nil), path: sys.path, parent: nil, capability: .usbDevice(u))
    }

    static func usbInterface(_ sys: SysfsDevice) -> NodeDevice? {
        guard case let number?? = attributeNumber(sys, "bInterfaceNumber", radix: 16),
            case let cls?? = attributeNumber(sys, "bInterfaceClass", radix: 16),
            case let subclass?? = attributeNumber(sys, "bInterfaceSubClass", radix: 16),
            case let proto?? = attributeNumber(sys, "bInterfaceProtocol", radix: 16)
        else { return nil }
        let u = NodeDevice.USBInterface(number: number, interfaceClass: cls, subclass: subclass, interfaceProtocol: proto)
        return NodeDevice(name: name(sys, nil), path: sys.path, parent: nil, capability: .usbInterface(u))
    }

    static func scsiHost(_ sys: SysfsDevice, _ root: Root) -> NodeDevice? {
        guard sys.sysname.hasPrefix("host"), let host = UInt32(sys.sysname.dropFirst(4)) else { return nil }
        let uniqueID = SysfsDevice.read(root.sys + "/class/scsi_host/host\(host)/unique_id")
            .flatMap { Int32($0.trimmingWhitespace()) }
        return NodeDevice(
            name: name(sys, nil), path: sys.path, parent: nil,
            capability: .scsiHost(NodeDevice.SCSIHost(host: host, uniqueID: uniqueID)))
    }

    static func scsi(_ sys: SysfsDevice) -> NodeDevice? {
        let parts = sys.sysname.split(separator: ":", omittingEmptySubsequences: false).compactMap { UInt32($0) }
        guard parts.count == 4 else { return nil }
        var type: String?
        if let text = sys.attribute("type") {
            guard let number = UInt32(text.trimmingWhitespace()) else { return nil }
            type = NodeDevice.SCSI.typeWord(number)
        }
        let d = NodeDevice.SCSI(host: parts[0], bus: parts[1], target: parts[2], lun: parts[3], type: type)
        return NodeDevice(name: name(sys, nil), path: sys.path, parent: nil, capability: .scsi(d))
    }
}
