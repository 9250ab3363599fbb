import Testing

@testable import SwiftVirtCore

/// What frames on a guest's port tell of its address, as libvirt's learning reads them.
@Suite struct NWFilterIPLearningTests {
    static let mac = MACAddress(string: "52:54:00:01:02:03")!
    static let server: [UInt8] = [0x52, 0x54, 0, 9, 9, 9]

    static func ipv4(from: [UInt8], to: [UInt8], source: [UInt8], payload: [UInt8] = []) -> [UInt8] {
        to + from + [0x08, 0x00] + [0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0] + source + [10, 0, 0, 1] + payload
    }

    static func dhcpReply(type: UInt8, offered: [UInt8]) -> [UInt8] {
        var bootp = [UInt8](repeating: 0, count: 240)
        bootp[0] = 2
        bootp.replaceSubrange(16..<20, with: offered)
        bootp.replaceSubrange(28..<34, with: mac.bytes)
        bootp.replaceSubrange(236..<240, with: [99, 130, 83, 99])
        let udp: [UInt8] = [0, 67, 0, 68, 0, 0, 0, 0]
        return ipv4(from: server, to: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], source: [10, 0, 0, 1],
            payload: udp + bootp + [53, 1, type, 255])
    }

    @Test func anyLearnsFromTheGuestsFramesAndDHCPOnlyFromAnAck() throws {
        let own = Self.ipv4(from: Self.mac.bytes, to: Self.server, source: [10, 0, 0, 7])
        #expect(NWFilterIPLearning.any.address(in: own, mac: Self.mac)?.description == "10.0.0.7")
        #expect(NWFilterIPLearning.dhcp.address(in: own, mac: Self.mac) == nil)
        let request = Self.ipv4(from: Self.mac.bytes, to: Self.server, source: [0, 0, 0, 0])
        #expect(NWFilterIPLearning.any.address(in: request, mac: Self.mac) == nil)
        let multicast = Self.ipv4(from: Self.mac.bytes, to: Self.server, source: [224, 0, 0, 5])
        #expect(NWFilterIPLearning.any.address(in: multicast, mac: Self.mac) == nil)
        let other = Self.ipv4(from: Self.server, to: Self.mac.bytes, source: [10, 0, 0, 9])
        #expect(NWFilterIPLearning.any.address(in: other, mac: Self.mac) == nil)

        let ack = Self.dhcpReply(type: 5, offered: [10, 0, 0, 42])
        #expect(NWFilterIPLearning.dhcp.address(in: ack, mac: Self.mac)?.description == "10.0.0.42")
        #expect(NWFilterIPLearning.any.address(in: ack, mac: Self.mac)?.description == "10.0.0.42")
        #expect(NWFilterIPLearning.dhcp.address(in: Self.dhcpReply(type: 2, offered: [10, 0, 0, 42]), mac: Self.mac) == nil)

        // An ARP request the guest sends: its target (an address probe).
        let arp = Self.server + Self.mac.bytes + [0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1] + Self.mac.bytes + [0, 0, 0, 0]
            + [0, 0, 0, 0, 0, 0] + [10, 0, 0, 8]
        #expect(NWFilterIPLearning.any.address(in: arp, mac: Self.mac)?.description == "10.0.0.8")
    }

    @Test func theModeComesFromTheBindingsParameters() throws {
        #expect(try NWFilterIPLearning(NWFilterReference(filter: "f")) == .any)
        #expect(try NWFilterIPLearning(NWFilterReference(filter: "f", parameters: [("CTRL_IP_LEARNING", ["DHCP"])])) == .dhcp)
        #expect {
            try NWFilterIPLearning(NWFilterReference(filter: "f", parameters: [("CTRL_IP_LEARNING", ["x"])]))
        } throws: { ($0 as? VirtError)?.message.hasSuffix("filter 'f' learning value 'x' invalid.") == true }
    }
}
