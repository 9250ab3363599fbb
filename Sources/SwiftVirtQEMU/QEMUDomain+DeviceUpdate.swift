import SwiftVirtCore
import SwiftVirtSystem

/// update-device on the running guest: a NIC's virtual link (set_link, as libvirt's qemuMonitorSetLink) and
/// a display's password (set_password and expire_password).
extension QEMUDomain: LiveDeviceUpdates {
    public func setLink(alias: String, up: Bool) async throws {
        try await job.run {
            try requireAlive()
            _ = try await qmp.execute("set_link", arguments: ["name": .string(alias), "up": .bool(up)])
            if let i = liveDevices.interfaces.firstIndex(where: { $0.alias == alias }) {
                liveDevices.interfaces[i].linkState = up ? nil : .down
            }
        }
    }

    public func changeGraphicsPassword(_ graphics: Graphics) async throws {
        try await job.run {
            try requireAlive()
            try await QEMUGraphicsPasswords.change(graphics, qmp)
        }
    }

    /// At start: the NICs whose `<link state='down'/>` asks for it get their link down before the guest runs
    /// (libvirt's qemuProcessSetLinkStates).
    static func setLinkStates(_ definition: DomainDefinition, _ qmp: QMPClient) async throws {
        for nic in definition.devices.interfaces where nic.linkState == .down {
            guard let alias = nic.alias else {
                throw VirtError(.internalError, domain: .qemu, detail: "missing alias for network device")
            }
            do {
                _ = try await qmp.execute("set_link", arguments: ["name": .string(alias), "up": .bool(false)])
            } catch {
                throw VirtError(
                    .operationFailed, domain: .qemu, detail: "Couldn't set link state on interface: \(alias)")
            }
        }
    }
}
