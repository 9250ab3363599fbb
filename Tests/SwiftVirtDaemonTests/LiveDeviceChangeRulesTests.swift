import Testing

@testable import SwiftVirtCore
@testable import SwiftVirtDaemon

/// The pure parts of live device changes: what an update-device of a NIC needs (qemuDomainChangeNet's plan) and
/// libvirt's aliases for new serial ports, consoles and channels.
@Suite struct LiveDeviceChangeRulesTests {
    let mac = MACAddress(string: "52:54:00:6a:00:01")

    func nic(_ type: NetworkInterface.InterfaceType, _ source: String?, filter: String? = nil) -> NetworkInterface {
        var n = NetworkInterface(type: type, source: source, mac: mac, model: .virtio)
        n.targetDev = "vnet0"
        n.filterRef = filter.map { NWFilterReference(filter: $0) }
        return n
    }

    @Test func aNICMovesBetweenNetworksAndBridgesAndChangesItsFilter() throws {
        let change = try DomainRegistry.checkInterfaceChange(nic(.network, "a"), nic(.network, "b"))
        #expect(change.bridge && !change.filter)
        #expect(try DomainRegistry.checkInterfaceChange(nic(.network, "a"), nic(.bridge, "br0")).bridge)
        #expect(try !DomainRegistry.checkInterfaceChange(nic(.bridge, "br0"), nic(.bridge, "br0")).bridge)
        let filtered = try DomainRegistry.checkInterfaceChange(nic(.bridge, "br0"), nic(.bridge, "br0", filter: "f"))
        #expect(filtered.filter && !filtered.bridge)
    }

    @Test func whatLibvirtCannotChangeLiveIsRefused() {
        /// The refusal's detail (after libvirt's "Operation not supported: " and the like).
        func message(_ old: NetworkInterface, _ new: NetworkInterface) -> String? {
            do {
                _ = try DomainRegistry.checkInterfaceChange(old, new)
                return nil
            } catch let error as VirtError {
                return error.message.split(separator: ": ", maxSplits: 1).last.map(String.init)
            } catch { return "\(error)" }
        }
        #expect(message(nic(.network, "a"), nic(.user, nil)) == "unable to change config on 'user' network type")
        #expect(message(nic(.network, "a"), nic(.hostdev, nil)) == "cannot change network interface type to 'hostdev'")
        var e1000 = nic(.network, "a")
        e1000.model = .e1000
        #expect(message(nic(.network, "a"), e1000) == "cannot modify network device model from virtio to e1000")
        var user = nic(.user, nil)
        user.targetDev = "vnet0"
        #expect(message(user, { var n = user; n.filterRef = NWFilterReference(filter: "f"); return n }())
            == "filters not supported on interfaces of type user")
    }

    @Test func newCharacterDevicesTakeLibvirtsAliases() {
        var d = DomainDevices()
        d.serials = [CharDevice(type: .pty)]
        d.serials[0].alias = "serial0"
        d.consoles = [CharDevice(type: .pty)]
        d.consoles[0].alias = "serial0"
        // A console counts the serial port the first console stands for.
        #expect(DomainRegistry.nextCharDeviceAlias("console", in: d) == "console1")
        #expect(DomainRegistry.nextCharDeviceAlias("serial", in: d) == "serial1")
        #expect(DomainRegistry.nextCharDeviceAlias("channel", in: d) == "channel0")
        d.channels = [CharDevice(type: .unix)]
        d.channels[0].alias = "channel3"
        #expect(DomainRegistry.nextCharDeviceAlias("channel", in: d) == "channel4")
    }
}
