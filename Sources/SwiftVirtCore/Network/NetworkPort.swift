/// A guest interface's port on a running network: where it attaches and with which settings, resolved as
/// libvirt's networkAllocatePort resolves it (the portgroup the interface names, else the default one; a device
/// from the interface pool for macvtap modes). Pure, so the choice is testable without a host.
public struct GuestPortPlan: Sendable, Equatable {
    public enum Attachment: Sendable, Equatable {
        /// A tap enslaved to a bridge (the network's own or a host bridge).
        case tap(bridge: String)
        /// A macvtap device on a host interface, in macvtap mode `mode` (bridge, private, vepa, passthru).
        case macvtap(link: String, mode: String)
        /// A tap on no bridge (`<interface type='ethernet'>`): the guest's traffic is the host's to route.
        case unattachedTap
    }
    public var attachment: Attachment
    /// The device's name (chosen by the driver).
    public var device = ""
    /// The network it belongs to; nil for `<interface type='bridge'>`.
    public var network: String?
    public var mac: MACAddress?
    public var mtu: Int?
    /// `<port isolated='yes'>`: the bridge port may not talk to other isolated ports.
    public var isolated = false
    /// `macTableManager='libvirt'`: no learning or flooding on the port; the guest's MAC goes in the bridge's FDB.
    public var managesMACTable = false
    public var bandwidth: NetworkBandwidth?
    /// Where `bandwidth` came from, for errors ("network/portgroup/bandwidth").
    public var bandwidthElement = "network/portgroup/bandwidth"

    public init(attachment: Attachment) { self.attachment = attachment }

    public var isPassthrough: Bool {
        if case .macvtap(_, "passthru") = attachment { return true }
        return false
    }
    public var link: String? {
        if case .macvtap(let link, _) = attachment { return link }
        return nil
    }
}

public enum NetworkPortAllocation {
    /// The port a guest interface with MAC `mac` gets on the running network `n` (whose bridge is `bridge`),
    /// `connections` counting the guests already on each pool interface. Throws libvirt's errors for what cannot be
    /// allocated, and VIR_ERR_CONFIG_UNSUPPORTED for settings SwiftVirt cannot honour.
    public static func plan(
        _ n: NetworkDefinition, bridge: String, portGroup: String?, mac: MACAddress?, connections: [String: Int]
    ) throws -> GuestPortPlan {
        let group = n.portGroup(portGroup)
        let groupPath = "network/portgroup"
        let virtualPort = group?.virtualPort ?? n.virtualPort
        let virtualPortPath = group?.virtualPort != nil ? groupPath + "/virtualport" : "network/virtualport"
        var plan: GuestPortPlan
        if n.ownsBridge || n.mode == .bridge && n.bridge?.name != nil {
            if let vp = virtualPort {
                let kind = vp.type?.rawValue ?? "none"
                if n.ownsBridge {
                    throw NetworkXMLError(
                        .configUnsupported, element: virtualPortPath, line: nil,
                        "<virtualport type='\(kind)'> not supported for network '\(n.name)' which uses IP forwarding")
                }
                if vp.type != .openvswitch {
                    throw NetworkXMLError(
                        .configUnsupported, element: virtualPortPath, line: nil,
                        "<virtualport type='\(kind)'> not supported for network '\(n.name)' which uses a bridge device")
                }
                throw NetworkXMLError(
                    .configUnsupported, element: virtualPortPath, line: nil,
                    "<virtualport type='openvswitch'> of network '\(n.name)' needs an Open vSwitch bridge, which "
                        + "SwiftVirt does not drive")
            }
            plan = GuestPortPlan(attachment: .tap(bridge: bridge))
            plan.mtu = n.mtu
            plan.isolated = n.isolatedPort == true
            plan.managesMACTable = n.bridge?.macTableManager == .libvirt
        } else if n.mode == .hostdev {
            throw NetworkXMLError(
                .configUnsupported, element: "network/forward", attribute: "mode", line: nil,
                "guests of network '\(n.name)' would get SR-IOV virtual functions by PCI passthrough, which SwiftVirt "
                    + "does not do")
        } else {
            plan = try macvtap(
                n, group: group, virtualPort: virtualPort, virtualPortPath: virtualPortPath, connections: connections)
        }
        if (group?.vlan ?? n.vlan) != nil {
            throw NetworkXMLError(
                .configUnsupported, element: group?.vlan != nil ? groupPath + "/vlan" : "network/vlan", line: nil,
                "a VLAN tag needs an SR-IOV virtual function or Open vSwitch, which network '\(n.name)' does not have")
        }
        plan.network = n.name
        plan.mac = mac
        plan.bandwidth = group?.bandwidth
        return plan
    }

    private static func macvtap(
        _ n: NetworkDefinition, group: NetworkPortGroup?, virtualPort: VirtualPortProfile?, virtualPortPath: String,
        connections: [String: Int]
    ) throws -> GuestPortPlan {
        if let vp = virtualPort {
            let kind = vp.type?.rawValue ?? "none"
            if vp.type != .qbg && vp.type != .qbh {
                throw NetworkXMLError(
                    .configUnsupported, element: virtualPortPath, line: nil,
                    "<virtualport type='\(kind)'> not supported for network '\(n.name)' which uses a macvtap device")
            }
            throw NetworkXMLError(
                .configUnsupported, element: virtualPortPath, line: nil,
                "<virtualport type='\(kind)'> of network '\(n.name)' needs an 802.1Qbg/Qbh switch association "
                    + "(lldpad), which SwiftVirt does not do")
        }
        if (group?.trustGuestRxFilters ?? n.trustGuestRxFilters) == true {
            throw NetworkXMLError(
                .configUnsupported, element: group?.trustGuestRxFilters != nil ? "network/portgroup" : "network",
                attribute: "trustGuestRxFilters", line: nil,
                "following the guest's receive filters on the macvtap device is not implemented by SwiftVirt")
        }
        let pool = n.forward?.interfaces ?? []
        if pool.isEmpty {
            throw VirtError(
                .internalError, domain: .network,
                detail: "network '\(n.name)' uses a direct mode, but has no forward dev and no interface pool")
        }
        let mode = n.mode == .passthrough ? "passthru" : n.mode?.rawValue ?? "bridge"
        let link: String?
        if n.mode == .passthrough {
            link = pool.first { (connections[$0] ?? 0) == 0 }
        } else {
            link = pool.min { (connections[$0] ?? 0) < (connections[$1] ?? 0) }
        }
        guard let link else {
            throw VirtError(
                .internalError, domain: .network,
                detail: "network '\(n.name)' requires exclusive access to interfaces, but none are available")
        }
        return GuestPortPlan(attachment: .macvtap(link: link, mode: mode))
    }
}

/// The `tc` commands libvirt's virNetDevBandwidthSet runs for a `<bandwidth>` on a device: an htb class (with an
/// sfq leaf and a catch-all filter) shaping what the device sends, an ingress policer for what it receives.
/// `swapped`: the device faces the guest (a tap or a network's bridge), so the guest's inbound is what the device
/// sends; `hierarchical`: a parent class above the shaped one (libvirt's choice for a network's bridge).
public enum NetworkBandwidthTC {
    public static func commands(_ b: NetworkBandwidth, device: String, hierarchical: Bool, swapped: Bool)
        -> [[String]]
    {
        let tx = swapped ? b.inbound : b.outbound
        let rx = swapped ? b.outbound : b.inbound
        var out: [[String]] = []
        if let tx, let average = tx.average, average > 0 {
            let rate = "\(average)kbps"
            let peak = tx.peak.flatMap { $0 > 0 ? "\($0)kbps" : nil }
            let burst = tx.burst.flatMap { $0 > 0 ? "\($0)kb" : nil }
            out.append(["qdisc", "add", "dev", device, "root", "handle", "1:", "htb", "default", hierarchical ? "2" : "1"])
            if hierarchical {
                out.append(
                    ["class", "add", "dev", device, "parent", "1:", "classid", "1:1", "htb", "rate", rate, "ceil",
                     peak ?? rate] + quantum(tx))
            }
            var leaf = [
                "class", "add", "dev", device, "parent", hierarchical ? "1:1" : "1:", "classid",
                hierarchical ? "1:2" : "1:1", "htb", "rate", rate,
            ]
            if let peak { leaf += ["ceil", peak] }
            if let burst { leaf += ["burst", burst] }
            out.append(leaf + quantum(tx))
            out.append(
                ["qdisc", "add", "dev", device, "parent", hierarchical ? "1:2" : "1:1", "handle", "2:", "sfq", "perturb",
                 "10"])
            out.append(
                ["filter", "add", "dev", device, "parent", "1:0", "protocol", "all", "prio", "1", "handle", "1", "fw",
                 "flowid", "1"])
        }
        if let rx {
            let average = rx.average ?? 0
            let burst = rx.burst.map { "\($0)kb" } ?? "\(min(average, UInt64(UInt32.max) / 1024))kb"
            out.append(["qdisc", "add", "dev", device, "ingress"])
            out.append(
                ["filter", "add", "dev", device, "parent", "ffff:", "protocol", "all", "u32", "match", "u32", "0", "0",
                 "police", "rate", "\(average)kbps", "burst", burst, "mtu", "64kb", "drop", "flowid", ":1"])
        }
        return out
    }

    /// libvirt's quantum (virNetDevBandwidthCmdAddOptimalQuantum): average × 1024 / 8 / MTU 1500, at least 1.
    static func quantum(_ r: NetworkBandwidth.Rate) -> [String] {
        ["quantum", String(max(1, (r.average ?? 0) * 1024 / 8 / 1500))]
    }

    /// What undoes them (errors ignored: one of the two may be absent).
    public static func clear(device: String) -> [[String]] {
        [["qdisc", "del", "dev", device, "root"], ["qdisc", "del", "dev", device, "ingress"]]
    }
}
