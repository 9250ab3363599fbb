import Testing

@testable import SwiftVirtWire

@Suite("Network messages: byte layouts from remote_protocol.x")
struct NetworkMessageTests {
    static let net = RemoteNonnullNetwork(name: "nt", uuid: Array(0x10...0x1F))
    static let netBytes = hex("00000002 6E740000 10111213 14151617 18191A1B 1C1D1E1F")

    @Test func procedureNumbers() {
        #expect(RemoteProcedure.connectListAllNetworks.rawValue == 283)
        #expect(RemoteProcedure.networkUpdate.rawValue == 291)
        #expect(RemoteProcedure.networkGetDhcpLeases.rawValue == 341)
        #expect(RemoteProcedure.domainInterfaceAddresses.rawValue == 353)
        #expect(RemoteProcedure.networkIsActive.rawValue == 152)
        #expect(RemoteProcedure.networkCreateXml.rawValue == 40)
    }

    @Test func setAutostartLayout() throws {
        let args = NetworkSetAutostartArgs(net: Self.net, autostart: 1)
        #expect(args.xdrBytes() == Self.netBytes + hex("00000001"))
        #expect(try NetworkSetAutostartArgs(xdrBytes: args.xdrBytes()) == args)
    }

    @Test func updateLayout() throws {
        let args = NetworkUpdateArgs(net: Self.net, command: 3, section: 4, parentIndex: -1, xml: "<h/>", flags: 3)
        #expect(
            args.xdrBytes()
                == Self.netBytes + hex("00000003 00000004 FFFFFFFF 00000004 3C682F3E 00000003"))
        #expect(try NetworkUpdateArgs(xdrBytes: args.xdrBytes()) == args)
    }

    @Test func dhcpLeasesLayout() throws {
        let args = NetworkGetDhcpLeasesArgs(net: Self.net, mac: nil, needResults: 1, flags: 0)
        #expect(args.xdrBytes() == Self.netBytes + hex("00000000 00000001 00000000"))
        let lease = RemoteNetworkDhcpLease(
            iface: "br", expirytime: 5, type: 0, mac: "m", iaid: nil, ipaddr: "1.2", prefix: 24, hostname: nil,
            clientid: nil)
        let ret = NetworkGetDhcpLeasesRet(leases: [lease], ret: 1)
        #expect(
            ret.xdrBytes()
                == hex(
                    "00000001 00000002 62720000 00000000 00000005 00000000 00000001 00000001 6D000000 00000000"
                        + " 00000003 312E3200 00000018 00000000 00000000 00000001"))
        #expect(try NetworkGetDhcpLeasesRet(xdrBytes: ret.xdrBytes()) == ret)
    }

    @Test func interfaceAddressesLayout() throws {
        let ret = DomainInterfaceAddressesRet(ifaces: [
            RemoteDomainInterface(name: "vnet0", hwaddr: nil, addrs: [RemoteDomainIpAddr(type: 0, addr: "a", prefix: 24)])
        ])
        #expect(
            ret.xdrBytes()
                == hex("00000001 00000005 766E6574 30000000 00000000 00000001 00000000 00000001 61000000 00000018"))
        #expect(try DomainInterfaceAddressesRet(xdrBytes: ret.xdrBytes()) == ret)
        let list = ConnectListAllNetworksRet(nets: [Self.net], ret: 1)
        #expect(list.xdrBytes() == hex("00000001") + Self.netBytes + hex("00000001"))
        #expect(throws: XDRError.self) { try ConnectListAllNetworksRet(xdrBytes: Array(list.xdrBytes().dropLast())) }
    }
}
