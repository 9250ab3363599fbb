import SwiftVirtCore
import SwiftVirtSystem

/// QMP events that become libvirt's TRAY_CHANGE, AGENT_LIFECYCLE and RTC_CHANGE (qemuProcessHandleTrayChange,
/// qemuProcessHandleSerialChanged, qemuProcessHandleRTCChange).
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
        case "VSERPORT_CHANGE":
            // The port's id is the channel's alias; only the guest agent's channel is reported.
            guard let id = event.data["id"]?.stringValue, let open = event.data["open"]?.boolValue,
                devices.channels.contains(where: { $0.alias == id && $0.targetName == QEMUGuestAgent.channelName })
            else { return nil }
            return .agentChannel(connected: open, atStart: false)
        case "RTC_CHANGE":
            guard let offset = event.data["offset"]?.intValue else { return nil }
            return .rtcChanged(offsetSeconds: offset)
        default:
            return nil
        }
    }

    /// Nothing is reported once the guest is being stopped: QEMU closing its ports is not the guest's doing.
    func reportNotice(for event: QMPEvent) {
        guard !isStopping, let notice = Self.notice(for: event, devices: liveDevices) else { return }
        let (observer, uuid) = (self.observer, definition.uuid)
        enqueueReport { await observer.domainNotice(uuid, notice) }
    }

    /// At start, as libvirt does: whether the guest agent's port is open yet (from query-chardev), when the guest
    /// has an agent channel.
    func reportAgentChannelAtStart() async {
        guard
            let alias = liveDevices.channels.first(where: { $0.targetName == QEMUGuestAgent.channelName })?.alias,
            let chardevs = try? await qmp.execute("query-chardev").arrayValue,
            let entry = chardevs.first(where: { $0["label"]?.stringValue == "char" + alias }),
            let open = entry["frontend-open"]?.boolValue
        else { return }
        let (observer, uuid) = (self.observer, definition.uuid)
        enqueueReport { await observer.domainNotice(uuid, .agentChannel(connected: open, atStart: true)) }
    }
}
