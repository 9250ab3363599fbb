/// libvirt's learning of a guest's IPv4 address for a filter that uses `$IP` without a value
/// (`CTRL_IP_LEARNING`): `any` (the default) takes the first address the guest's own frames show (an IPv4
/// source, the address of an ARP reply it sends or the target of its ARP request) or a DHCP ACK to it; `dhcp`
/// only a DHCP ACK; `none` learns nothing (the variable stays unresolvable).
public enum NWFilterIPLearning: String, Sendable {
    case any, dhcp, none

    /// The mode a binding asks for; an unknown one is libvirt's parse error.
    public init(_ ref: NWFilterReference) throws(VirtError) {
        let value = ref.parameters.first { $0.name == "CTRL_IP_LEARNING" }?.values.first ?? "any"
        guard let mode = NWFilterIPLearning(rawValue: value.lowercased()) else {
            throw VirtError(
                .parseFailed, domain: .nwfilter, detail: "filter '\(ref.filter)' learning value '\(value)' invalid.")
        }
        self = mode
    }

    /// The address `frame` (an Ethernet frame seen on the guest's port) tells of the guest with `mac`, if any.
    public func address(in frame: [UInt8], mac: MACAddress) -> IPAddress? {
        guard frame.count >= 14 else { return nil }
        var offset = 14
        var type = UInt16(frame[12]) << 8 | UInt16(frame[13])
        if type == 0x8100 {  // one VLAN tag
            guard frame.count >= 18 else { return nil }
            type = UInt16(frame[16]) << 8 | UInt16(frame[17])
            offset = 18
        }
        let source = Array(frame[6..<12])
        let destination = Array(frame[0..<6])
        func ipv4(_ at: Int) -> IPAddress? {
            guard frame.count >= at + 4 else { return nil }
            return IPAddress(bytes: Array(frame[at..<at + 4]))
        }
        if source == mac.bytes {
            guard self == .any else { return nil }
            if type == 0x0800, let address = ipv4(offset + 12) {
                // Not 0.0.0.0 (a DHCP request), multicast or class E.
                let first = address.bytes[0]
                return address.bytes == [0, 0, 0, 0] || first >= 224 ? nil : address
            }
            if type == 0x0806, frame.count >= offset + 28 {
                let opcode = UInt16(frame[offset + 6]) << 8 | UInt16(frame[offset + 7])
                if opcode == 2 { return ipv4(offset + 14) }
                if opcode == 1 { return ipv4(offset + 24) }
            }
            return nil
        }
        // A DHCP ACK from a server, to the guest or broadcast, for the guest's hardware address.
        guard destination == mac.bytes || destination == [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], type == 0x0800,
            frame.count > offset + 20, frame[offset + 9] == 17
        else { return nil }
        let udp = offset + Int(frame[offset] & 0x0f) * 4
        let bootp = udp + 8
        guard frame.count >= bootp + 240, frame[udp] == 0, frame[udp + 1] == 67, frame[udp + 2] == 0,
            frame[udp + 3] == 68, frame[bootp] == 2, Array(frame[bootp + 28..<bootp + 34]) == mac.bytes
        else { return nil }
        // Options after the magic cookie: message type (53) must be ACK (5).
        var i = bootp + 240
        while i + 1 < frame.count, frame[i] != 255 {
            if frame[i] == 0 {
                i += 1
                continue
            }
            let length = Int(frame[i + 1])
            if frame[i] == 53, length == 1, i + 2 < frame.count {
                return frame[i + 2] == 5 ? ipv4(bootp + 16) : nil
            }
            i += 2 + length
        }
        return nil
    }
}

extension NWFilterReference {
    /// The reference with `name` set to `value` (a learned address).
    public func setting(_ name: String, to value: String) -> NWFilterReference {
        NWFilterReference(filter: filter, parameters: parameters.filter { $0.name != name } + [(name, [value])])
    }
}
