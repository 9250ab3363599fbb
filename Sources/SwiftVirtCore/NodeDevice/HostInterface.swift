/// A host network interface as libvirt's udev interface backend describes it (`virsh iface-dumpxml`): read from
/// the kernel, never configured.
public struct HostInterface: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case ethernet
        /// STP on/off (nil: unknown), forward delay, and the member interfaces.
        case bridge(stp: Bool?, delay: String?, members: [HostInterface])
        case vlan(tag: String, device: String?)
    }

    public var name: String
    public var mac: String?
    /// Zero when unknown (libvirt omits it).
    public var mtu: UInt32 = 0
    public var linkSpeed: UInt32 = 0
    public var linkState: String?
    public var kind: Kind = .ethernet

    public init(name: String) { self.name = name }

    /// As virInterfaceDefFormat prints it; members of a bridge carry no `<mtu>`.
    public static func format(_ i: HostInterface, topLevel: Bool = true) -> String {
        var w = NodeDeviceXML.Lines()
        write(i, topLevel: topLevel, &w)
        return w.out
    }

    private static func write(_ i: HostInterface, topLevel: Bool, _ w: inout NodeDeviceXML.Lines) {
        let type: String
        switch i.kind {
        case .ethernet: type = "ethernet"
        case .bridge: type = "bridge"
        case .vlan: type = "vlan"
        }
        w.line("<interface type='\(type)' name='\(SecretXML.escaped(i.name))'>")
        w.indent += 1
        if topLevel && i.mtu != 0 { w.line("<mtu size='\(i.mtu)'/>") }
        if case .bridge = i.kind {} else if i.linkSpeed != 0 || i.linkState != nil {
            var s = "<link"
            if i.linkSpeed != 0 { s += " speed='\(i.linkSpeed)'" }
            if let state = i.linkState { s += " state='\(state)'" }
            w.line(s + "/>")
        }
        switch i.kind {
        case .ethernet:
            if let mac = i.mac { w.line("<mac address='\(mac)'/>") }
        case .bridge(let stp, let delay, let members):
            var s = "<bridge"
            if let stp { s += stp ? " stp='on'" : " stp='off'" }
            if let delay { s += " delay='\(delay)'" }
            w.line(s + ">")
            w.indent += 1
            for m in members { write(m, topLevel: false, &w) }
            w.indent -= 1
            w.line("</bridge>")
        case .vlan(let tag, let device):
            if let device {
                w.line("<vlan tag='\(tag)'>")
                w.line("  <interface name='\(device)'/>")
                w.line("</vlan>")
            } else {
                w.line("<vlan tag='\(tag)'/>")
            }
        }
        w.indent -= 1
        w.line("</interface>")
    }
}
