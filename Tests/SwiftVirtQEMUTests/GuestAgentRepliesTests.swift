import Foundation
import SwiftVirtCore
import SwiftVirtSystem
import Testing

@testable import SwiftVirtQEMU

/// The guest agent's replies (as Debian's qemu-ga 7.2 gives them) read into libvirt's figures and typed
/// parameters; disks the agent names by address matched to the domain's targets.
struct GuestAgentRepliesTests {
    private func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

    private var devices: DomainDevices {
        var devices = DomainDevices()
        var vda = Disk(sourcePath: "/img/a.raw", targetDev: "vda", targetBus: .virtio)
        vda.address = .pci(PCIAddress(bus: 0, slot: 5))
        var sda = Disk(sourcePath: "/img/b.raw", targetDev: "sda", targetBus: .scsi)
        sda.address = .drive(DriveAddress(controller: 1, bus: 0, target: 0, unit: 2))
        var scsi = Controller(type: .scsi, index: 1)
        scsi.address = .pci(PCIAddress(bus: 0, slot: 7))
        devices.disks = [vda, sda]
        devices.controllers = [scsi]
        return devices
    }

    @Test func filesystemsInMountOrderWithTheirDisks() throws {
        let reply = try json(
            """
            {"return": [
              {"name": "sda1", "mountpoint": "/data", "type": "xfs", "disk": [{"bus-type": "scsi", "bus": 0,
               "unit": 2, "target": 0, "pci-controller": {"bus": 0, "slot": 7, "domain": 0, "function": 0},
               "dev": "/dev/sda1", "serial": "S1"}]},
              {"name": "vda", "total-bytes": 52685824, "mountpoint": "/mnt", "used-bytes": 14336, "type": "ext4",
               "disk": [{"bus-type": "virtio", "bus": 0, "unit": 0, "target": 0, "dev": "/dev/vda",
               "pci-controller": {"bus": 0, "slot": 5, "domain": 0, "function": 0}}]}
            ]}
            """)
        let filesystems = try GuestAgentReplies.filesystems(reply)
        #expect(filesystems.map(\.mountpoint) == ["/mnt", "/data"])
        #expect(filesystems.map { $0.disks.compactMap { $0.target(in: devices) } } == [["vda"], ["sda"]])
        let params = GuestAgentReplies.filesystemParameters(filesystems, devices: devices)
        #expect(params.first == TypedStat("fs.count", .uint(2)))
        #expect(params.contains(TypedStat("fs.0.total-bytes", .ullong(52_685_824))))
        #expect(params.contains(TypedStat("fs.0.disk.0.alias", .string("vda"))))
        #expect(params.contains(TypedStat("fs.1.disk.0.serial", .string("S1"))))
        #expect(!params.contains { $0.name == "fs.1.total-bytes" }, "an agent that does not say has no sizes")
        #expect(throws: VirtError.self) { try GuestAgentReplies.filesystems(try json(#"{"return": [{"name": "x"}]}"#)) }
    }

    @Test func interfacesFoldAliasesAndKeepAddressOrder() throws {
        let reply = try json(
            """
            {"return": [
              {"name": "lo", "hardware-address": "00:00:00:00:00:00", "ip-addresses": [
                {"ip-address-type": "ipv4", "ip-address": "127.0.0.1", "prefix": 8}]},
              {"name": "eth0", "hardware-address": "52:54:00:12:34:56", "ip-addresses": [
                {"ip-address-type": "ipv4", "ip-address": "10.0.2.15", "prefix": 24}]},
              {"name": "eth0:1", "ip-addresses": [{"ip-address-type": "ipv6", "ip-address": "fe80::1", "prefix": 64}]},
              {"name": "dummy0"}
            ]}
            """)
        let interfaces = try GuestAgentReplies.interfaces(reply)
        #expect(interfaces.map(\.name) == ["lo", "eth0", "dummy0"])
        #expect(
            interfaces[1].addresses == [
                .init(isIPv6: false, address: "10.0.2.15", prefix: 24),
                .init(isIPv6: true, address: "fe80::1", prefix: 64),
            ])
        #expect(interfaces[2].hardwareAddress == nil && interfaces[2].addresses.isEmpty)
        let params = GuestAgentReplies.interfaceParameters(interfaces)
        #expect(params.contains(TypedStat("if.1.addr.1.type", .string("ipv6"))))
        #expect(params.contains(TypedStat("if.1.addr.count", .uint(2))))
    }

    @Test func usersOSTimezoneAndDisks() throws {
        let users = try GuestAgentReplies.users(
            try json(
                #"{"return": [{"user": "root", "login-time": 1700000000.25}, {"user": "a", "domain": "D", "login-time": 2}]}"#
            ))
        #expect(
            users == [
                TypedStat("user.count", .uint(2)), TypedStat("user.0.name", .string("root")),
                TypedStat("user.0.login-time", .ullong(1_700_000_000_250)), TypedStat("user.1.name", .string("a")),
                TypedStat("user.1.domain", .string("D")), TypedStat("user.1.login-time", .ullong(2000)),
            ])
        let os = try GuestAgentReplies.osInfo(
            try json(#"{"return": {"name": "Debian", "id": "debian", "other": "x"}}"#))
        #expect(os == [TypedStat("os.id", .string("debian")), TypedStat("os.name", .string("Debian"))])
        let zone = try GuestAgentReplies.timezone(try json(#"{"return": {"zone": "CET", "offset": 3600}}"#))
        #expect(zone == [TypedStat("timezone.name", .string("CET")), TypedStat("timezone.offset", .int(3600))])
        let disks = try GuestAgentReplies.diskParameters(
            try json(
                """
                {"return": [{"name": "/dev/vda", "dependencies": [], "partition": false, "address": {"bus-type":
                 "virtio", "bus": 0, "unit": 0, "target": 0, "dev": "/dev/vda", "serial": "X",
                 "pci-controller": {"bus": 0, "slot": 5, "domain": 0, "function": 0}}},
                 {"name": "/dev/vda1", "dependencies": ["/dev/vda"], "partition": true, "alias": "root"}]}
                """), devices: devices)
        #expect(
            disks == [
                TypedStat("disk.count", .uint(2)), TypedStat("disk.0.name", .string("/dev/vda")),
                TypedStat("disk.0.partition", .boolean(false)), TypedStat("disk.0.serial", .string("X")),
                TypedStat("disk.0.alias", .string("vda")), TypedStat("disk.1.name", .string("/dev/vda1")),
                TypedStat("disk.1.partition", .boolean(true)), TypedStat("disk.1.dependency.count", .uint(1)),
                TypedStat("disk.1.dependency.0.name", .string("/dev/vda")),
                TypedStat("disk.1.guest_alias", .string("root")),
            ])
    }
}
