import Testing

@testable import SwiftVirtCore
@testable import SwiftVirtQEMU
@testable import SwiftVirtSystem

/// Which QMP events become TRAY_CHANGE and RTC_CHANGE notices, and for which devices.
@Suite struct GuestNoticeTests {
    static func devices() -> DomainDevices {
        var devices = DomainDevices()
        var cdrom = Disk(device: .cdrom, targetDev: "hdc")
        cdrom.alias = "ide0-1-0"
        devices.disks = [cdrom]
        var agent = CharDevice(type: .unix, targetType: .virtio, targetName: "org.qemu.guest_agent.0")
        agent.alias = "channel0"
        var other = CharDevice(type: .unix, targetType: .virtio, targetName: "org.example.other")
        other.alias = "channel1"
        devices.channels = [agent, other]
        return devices
    }

    @Test func trayMovesOfKnownDisksAreNoticed() {
        let open = QMPEvent(
            name: "DEVICE_TRAY_MOVED", data: ["device": "", "id": "ide0-1-0", "tray-open": .bool(true)])
        #expect(QEMUDomain.notice(for: open, devices: Self.devices()) == .trayMoved(alias: "ide0-1-0", open: true))
        let byDrive = QMPEvent(name: "DEVICE_TRAY_MOVED", data: ["device": "drive-ide0-1-0", "tray-open": .bool(false)])
        #expect(QEMUDomain.notice(for: byDrive, devices: Self.devices()) == .trayMoved(alias: "ide0-1-0", open: false))
        let unknown = QMPEvent(name: "DEVICE_TRAY_MOVED", data: ["id": "ide0-0-0", "tray-open": .bool(true)])
        #expect(QEMUDomain.notice(for: unknown, devices: Self.devices()) == nil)
    }

    @Test func rtcChangesCarryTheOffset() {
        let rtc = QMPEvent(name: "RTC_CHANGE", data: ["offset": .int(-3600), "qom-path": "/machine/unattached/device[7]"])
        #expect(QEMUDomain.notice(for: rtc, devices: Self.devices()) == .rtcChanged(offsetSeconds: -3600))
        #expect(QEMUDomain.notice(for: QMPEvent(name: "RESUME"), devices: Self.devices()) == nil)
    }
}
