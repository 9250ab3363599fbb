/// A virtual network in libvirt's `<network>` format: the subset SwiftVirt runs (a bridge, NAT/route/open/isolated
/// forwarding or an existing host bridge, IPv4/IPv6 addresses with DHCP, DNS host entries).
public struct NetworkDefinition: Sendable, Equatable {
    public var name: String
    public var uuid: DomainUUID
    public var bridge: NetworkBridge?
    public var mac: MACAddress?
    public var forward: NetworkForward?
    public var mtu: Int?
    /// `<domain name=...>`: the DNS domain dnsmasq serves.
    public var domainName: String?
    public var dnsHosts: [NetworkDNSHost] = []
    public var ips: [NetworkIP] = []

    public init(name: String, uuid: DomainUUID) {
        self.name = name
        self.uuid = uuid
    }

    /// NAT/route/open/isolated networks own a bridge and serve DHCP/DNS; `bridge` mode only names a host bridge.
    public var ownsBridge: Bool { forward?.mode != .bridge }
    /// IPv4 forwarding is needed only when traffic leaves the network through the host.
    public var needsIPForwarding: Bool {
        guard let mode = forward?.mode else { return false }
        return mode == .nat || mode == .route || mode == .open
    }
    public var hasDHCP: Bool { ips.contains { !$0.dhcpRanges.isEmpty || !$0.dhcpHosts.isEmpty } }
}

public struct NetworkBridge: Sendable, Equatable {
    public var name: String?
    public var stp: Bool?
    public var delay: Int?
    public init(name: String? = nil, stp: Bool? = nil, delay: Int? = nil) {
        self.name = name
        self.stp = stp
        self.delay = delay
    }
}

public struct NetworkForward: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable, CaseIterable { case nat, route, open, bridge }
    public var mode: Mode
    /// `dev=`: the host interface traffic leaves through (any when absent).
    public var dev: String?
    /// `<nat><port start end/></nat>`: source ports NAT maps to.
    public var natPorts: ClosedRange<Int>?
    public init(mode: Mode, dev: String? = nil, natPorts: ClosedRange<Int>? = nil) {
        self.mode = mode
        self.dev = dev
        self.natPorts = natPorts
    }
}

public struct NetworkDNSHost: Sendable, Equatable {
    public var ip: IPAddress
    public var hostnames: [String]
    public init(ip: IPAddress, hostnames: [String]) {
        self.ip = ip
        self.hostnames = hostnames
    }
}

/// `<ip>`: one address of the bridge, its subnet, and DHCP on it.
public struct NetworkIP: Sendable, Equatable {
    public var address: IPAddress
    public var prefix: Int
    /// Whether the source wrote `netmask=` (kept so the output reads like the input).
    public var writtenAsNetmask: Bool
    public var dhcpRanges: [DHCPRange] = []
    public var dhcpHosts: [DHCPHost] = []

    public init(address: IPAddress, prefix: Int, writtenAsNetmask: Bool = false) {
        self.address = address
        self.prefix = prefix
        self.writtenAsNetmask = writtenAsNetmask
    }

    public var subnet: IPSubnet { IPSubnet(address: address, prefix: prefix) }
}

public struct DHCPRange: Sendable, Equatable {
    public var start: IPAddress
    public var end: IPAddress
    public init(start: IPAddress, end: IPAddress) {
        self.start = start
        self.end = end
    }
}

/// `<host mac name ip/>`: a fixed address for one client.
public struct DHCPHost: Sendable, Equatable {
    public var mac: MACAddress?
    public var name: String?
    public var ip: IPAddress?
    public init(mac: MACAddress?, name: String?, ip: IPAddress?) {
        self.mac = mac
        self.name = name
        self.ip = ip
    }
}
