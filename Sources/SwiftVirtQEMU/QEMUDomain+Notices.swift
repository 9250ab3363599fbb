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
        if event.name == "VSERPORT_CHANGE", let id = event.data["id"]?.stringValue,
            let open = event.data["open"]?.boolValue, runtime.channelConnected[id] != nil
        {
            runtime.channelConnected[id] = open
        }
        guard !isStopping, let notice = Self.notice(for: event, devices: liveDevices) else { return }
        let (observer, uuid) = (self.observer, definition.uuid)
        enqueueReport { await observer.domainNotice(uuid, notice) }
    }

    /// At start (`booted`) and when the daemon finds the guest again, as libvirt does: whether the guest has each
    /// virtio channel open (query-chardev's `frontend-open`), and for the guest agent's channel the
    /// AGENT_LIFECYCLE event saying so.
    func readChannelStates(booted: Bool) async {
        let virtio = liveDevices.channels.filter { $0.targetType == .virtio && $0.alias != nil }
        guard !virtio.isEmpty, let chardevs = try? await qmp.execute("query-chardev").arrayValue else { return }
        for channel in virtio {
            guard let alias = channel.alias,
                let entry = chardevs.first(where: { $0["label"]?.stringValue == "char" + alias }),
                let open = entry["frontend-open"]?.boolValue
            else { continue }
            runtime.channelConnected[alias] = open
            if channel.targetName == QEMUGuestAgent.channelName {
                let (observer, uuid) = (self.observer, definition.uuid)
                enqueueReport { await observer.domainNotice(uuid, .agentChannel(connected: open, atStart: booted)) }
            }
        }
    }

    /// The sockets QEMU listens on for unix channels whose definition names no path (the driver places them in
    /// the domain's directory, named after the channel).
    static func channelSockets(_ definition: DomainDefinition, directory: String) -> [String: String] {
        var sockets: [String: String] = [:]
        for channel in definition.devices.channels where channel.type == .unix && channel.source?.path == nil {
            guard let alias = channel.alias, let name = channel.targetName else { continue }
            sockets[alias] = directory + "/" + name
        }
        return sockets
    }
}
