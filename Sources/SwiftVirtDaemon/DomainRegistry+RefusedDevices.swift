import Glibc
import SwiftVirtCore
import SwiftVirtQEMU

/// Live attach and detach of `<vsock>`, `<filesystem>` and `<hostdev>`, which SwiftVirt's QEMU driver cannot give a running
/// guest yet: libvirt 9.0's refusals come first, with its codes and words (qemuDomainAttachVsockDevice needs
/// /dev/vhost-vsock, only virtiofs filesystems are hot-plugged and virtiofs needs shared memory, a detach names a
/// device the guest has), then SwiftVirt's own.
extension DomainRegistry {
    static let refusedLiveKinds: Set<String> = ["vsock", "filesystem", "hostdev"]

    static func refuseLive(_ operation: DeviceEdit.Operation, _ device: DeviceEdit.Device, current: DomainDefinition)
        throws -> Never
    {
        let g = device.element
        let present = try DeviceEdit.devices(in: DomainXML.formatState(current)).map(\.element).filter {
            $0.name == g.name
        }
        let verb = operation == .attach ? "attach" : operation == .detach ? "detach" : "update"
        let unsupported = VirtError(.operationUnsupported, detail: "live \(verb) of device '\(device.kind)' is not supported")
        func targetDir(_ e: XMLElement) -> String? { e.childElements.first { $0.name == "target" }?[attribute: "dir"] }
        switch (operation, device.kind) {
        case (.attach, "hostdev"):
            try QEMUHostResources.requireHostDevice(KeptXML(g))
        case (.attach, "vsock"):
            if !present.isEmpty { throw VirtError(.operationUnsupported, detail: "the domain already has a vsock device") }
            try QEMUHostResources.requireVsockDevice()
        case (.detach, "vsock"):
            if present.isEmpty { throw VirtError(.deviceMissing, detail: "matching vsock device not found") }
        case (.attach, "filesystem"):
            guard g.childElements.first(where: { $0.name == "driver" })?[attribute: "type"] == "virtiofs" else {
                throw VirtError(.operationUnsupported, detail: "only virtiofs filesystems can be hotplugged")
            }
            if !QEMUSharedMemory.shares(current) {
                throw VirtError(.configUnsupported, detail: "'virtiofs' requires shared memory")
            }
        case (.detach, "filesystem"):
            if !present.contains(where: { targetDir($0) == targetDir(g) }) {
                throw VirtError(.deviceMissing, detail: "matching filesystem not found")
            }
            // A virtiofs share is detached (DomainRegistry+Filesystems.swift); the others cannot be.
            throw VirtError(.operationUnsupported, detail: "only virtiofs filesystems can be hotplugged")
        default:
            break
        }
        throw unsupported
    }
}
