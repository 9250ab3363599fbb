import SwiftVirtCore
import SwiftVirtQEMU

/// Live attach and detach of virtiofs `<filesystem>`s (libvirt 9.0's qemuDomainAttachFSDevice): its virtiofsd
/// started, the vhost-user chardev and device added; libvirt's refusals (other drivers, no shared memory) are in
/// `refuseLive`.
extension DomainRegistry {
    /// A virtiofs filesystem the guest's memory lets QEMU share with a daemon.
    static func isHotpluggableFilesystem(_ g: XMLElement, _ current: DomainDefinition) -> Bool {
        g.childElements.first(where: { $0.name == "driver" })?[attribute: "type"] == "virtiofs"
            && QEMUSharedMemory.shares(current)
    }

    func attachFilesystem(_ uuid: DomainUUID, _ device: DeviceEdit.Device, current: DomainDefinition, hotplug: any DeviceHotplug)
        async throws
    {
        // The daemon the running guest's share uses shows in its live XML, as at start.
        try await attachKept(
            uuid, device, family: "filesystem", aliasPrefix: "fs", current: current, hotplug: hotplug,
            finish: { VirtioFSDaemon.fillBinary(&$0) })
    }

    /// The alias of the live virtiofs filesystem `device` names (by its target), if there is one.
    static func liveVirtiofs(_ device: DeviceEdit.Device, in current: DomainDefinition) -> String? {
        let target = device.element.childElements.first { $0.name == "target" }?[attribute: "dir"]
        return current.devices.generic.first {
            guard let fs = FilesystemShare($0), fs.driver == .virtiofs else { return false }
            return fs.mountTag == target
        }?.alias
    }
}
