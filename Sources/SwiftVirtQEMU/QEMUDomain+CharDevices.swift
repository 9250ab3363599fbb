import SwiftVirtCore

/// Serial ports, consoles and channels plugged into a running guest (QEMUDomain+HotplugDevices.swift adds their
/// `-chardev` and `-device` as a start would): what this run knows of them afterwards, the pty QEMU opened and
/// the socket of a unix channel that names none, for the live XML.
extension QEMUDomain {
    func isCharDevice(_ alias: String, of devices: DomainDevices) -> Bool {
        (devices.serials + devices.consoles + devices.channels).contains { $0.alias == alias }
    }

    /// The character device `alias` of `live` is in the guest: its pty or socket recorded.
    func charDeviceAttached(_ alias: String, of live: DomainDefinition) async throws {
        liveDevices.serials = live.devices.serials
        liveDevices.consoles = live.devices.consoles
        liveDevices.channels = live.devices.channels
        runtime.charDeviceSockets.merge(Self.channelSockets(live, directory: status.domainDirectory)) { _, new in new }
        let all = live.devices.serials + live.devices.consoles + live.devices.channels
        guard all.first(where: { $0.alias == alias })?.type == .pty else { return }
        // QEMU names the pty it opened in query-chardev ("pty:/dev/pts/N").
        for chardev in try await qmp.execute("query-chardev").arrayValue ?? [] {
            guard chardev["label"]?.stringValue == "char\(alias)", let file = chardev["filename"]?.stringValue,
                file.hasPrefix("pty:")
            else { continue }
            runtime.ptyPaths[alias] = String(file.dropFirst(4))
        }
    }

    /// The character device `alias` left the guest.
    func forgetCharDevice(_ alias: String) {
        liveDevices.serials.removeAll { $0.alias == alias }
        liveDevices.consoles.removeAll { $0.alias == alias }
        liveDevices.channels.removeAll { $0.alias == alias }
        runtime.ptyPaths[alias] = nil
        runtime.charDeviceSockets[alias] = nil
    }
}
