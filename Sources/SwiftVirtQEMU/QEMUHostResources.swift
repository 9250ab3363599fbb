import FoundationEssentials
import Glibc
import SwiftVirtCore

/// Host resources a device needs before anything of it is run, checked as libvirt 9.0 checks them at start and
/// at hot-plug, with its codes and words: the vhost-vsock device for `<vsock>`, the USB device or VFIO support a
/// `<hostdev>` names. Passing host devices through is not done here; where the resource exists, the caller's
/// own "not supported" follows.
public enum QEMUHostResources {
    public static func requireVsockDevice() throws {
        let fd = open("/dev/vhost-vsock", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw VirtError(.configUnsupported, domain: .qemu, detail: "unable to open vhost-vsock device") }
        close(fd)
    }

    /// A `<hostdev>`'s source on this host (only subsystem USB and PCI devices are looked for).
    public static func requireHostDevice(_ hostdev: KeptXML, usbRoot: String = "/sys/bus/usb/devices") throws {
        guard hostdev.value("mode") ?? "subsystem" == "subsystem" else { return }
        let source = hostdev.child("source")
        switch hostdev.value("type") {
        case "usb":
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: usbRoot) else {
                throw VirtError(
                    .systemError, domain: .none,
                    detail: "cannot open directory '\(usbRoot)': \(String(cString: strerror(ENOENT)))")
            }
            func number(_ e: KeptXML?, _ name: String) -> UInt32? {
                e?.value(name).flatMap { $0.hasPrefix("0x") ? UInt32($0.dropFirst(2), radix: 16) : UInt32($0) }
            }
            func attribute(_ dir: String, _ name: String, radix: Int) -> UInt32? {
                (try? String(contentsOfFile: "\(usbRoot)/\(dir)/\(name)", encoding: .utf8))
                    .flatMap { UInt32($0.trimmingWhitespace(), radix: radix) }
            }
            if let vendor = number(source?.child("vendor"), "id"), let product = number(source?.child("product"), "id") {
                let found = entries.contains {
                    attribute($0, "idVendor", radix: 16) == vendor && attribute($0, "idProduct", radix: 16) == product
                }
                if !found {
                    let hex = { (v: UInt32) in String(repeating: "0", count: max(0, 4 - String(v, radix: 16).count)) + String(v, radix: 16) }
                    throw VirtError(.operationFailed, domain: .none, detail: "Did not find USB device \(hex(vendor)):\(hex(product))")
                }
            } else if let bus = number(source?.child("address"), "bus"), let device = number(source?.child("address"), "device") {
                let found = entries.contains { attribute($0, "busnum", radix: 10) == bus && attribute($0, "devnum", radix: 10) == device }
                if !found {
                    throw VirtError(.operationFailed, domain: .none, detail: "Did not find USB device bus:\(bus) device:\(device)")
                }
            }
        case "pci":
            let groups = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/kernel/iommu_groups")) ?? []
            if groups.isEmpty || access("/dev/vfio/vfio", F_OK) != 0 {
                throw VirtError(
                    .configUnsupported, domain: .qemu, detail: "host doesn't support passthrough of host PCI devices")
            }
        default:
            break
        }
    }

    /// What a definition needs of the host before its QEMU starts.
    static func check(_ def: DomainDefinition) throws {
        for device in def.devices.generic {
            switch device.element {
            case "vsock": try requireVsockDevice()
            case "hostdev": try requireHostDevice(device.xml)
            default: break
            }
        }
    }
}
