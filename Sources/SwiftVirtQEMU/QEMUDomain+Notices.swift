import SwiftVirtCore
import SwiftVirtSystem

/// QMP events that become libvirt's TRAY_CHANGE and RTC_CHANGE (qemuProcessHandleTrayChange,
/// qemuProcessHandleRTCChange).
extension QEMUDomain {
    /// What `event` tells clients about the guest with `devices`, if anything.
    static func notice(for event: QMPEvent, devices: DomainDevices) -> GuestNotice? {
        switch event.name {
        case "DEVICE_TRAY_MOVED":
            guard let open = event.data["tray-open"]?.boolValue else { return nil }
            // The device's id is the disk's alias; older QEMUs name only the drive ("drive-" + alias).
            let qdev = event.data["id"]?.stringValue ?? ""
            let drive = event.data["device"]?.stringValue ?? ""
            let alias = qdev.isEmpty ? String(drive.trimmingPrefix("drive-")) : qdev
            guard devices.disks.contains(where: { $0.alias == alias }) else { return nil }
            return .trayMoved(alias: alias, open: open)
        case "RTC_CHANGE":
            guard let offset = event.data["offset"]?.intValue else { return nil }
            return .rtcChanged(offsetSeconds: offset)
        default:
            return nil
        }
    }

    /// Nothing is reported once the guest is being stopped: QEMU tearing its devices down is not the guest's doing.
    func reportNotice(for event: QMPEvent) {
        guard !isStopping, let notice = Self.notice(for: event, devices: liveDevices) else { return }
        let (observer, uuid) = (self.observer, definition.uuid)
        enqueueReport { await observer.domainNotice(uuid, notice) }
    }

    /// Where QEMU listens for a unix channel whose definition names no path: in the domain's directory, named
    /// after the channel. The command line, the guest agent and the live XML all take it from here.
    static func defaultChannelSocket(directory: String, name: String) -> String { directory + "/" + name }

    /// The sockets QEMU listens on for unix channels whose definition names no path, by alias.
    static func channelSockets(_ definition: DomainDefinition, directory: String) -> [String: String] {
        var sockets: [String: String] = [:]
        for channel in definition.devices.channels where channel.type == .unix && channel.source?.path == nil {
            guard let alias = channel.alias, let name = channel.targetName else { continue }
            sockets[alias] = defaultChannelSocket(directory: directory, name: name)
        }
        return sockets
    }
}
