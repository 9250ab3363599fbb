/// A virtual network in libvirt's `<network>` format: every element and attribute of libvirt 9.0's network
/// schema, typed (the schema is closed; libvirt rewrites all of it in its own canonical form, which the
/// formatter follows), except `<metadata>`, kept as it came.
public struct NetworkDefinition: Sendable, Equatable {
    public var name: String
    public var uuid: DomainUUID
    /// `<network ipv6='yes'>`: guests may talk IPv6 among themselves on a network without an IPv6 address.
    public var ipv6WithoutGateway = false
    public var trustGuestRxFilters: Bool?
    public var metadata: KeptXML?
    public var forward: NetworkForward?
    public var bridge: NetworkBridge?
    public var mtu: Int?
    public var mac: MACAddress?
    /// `<domain name localOnly>`: the DNS domain dnsmasq serves.
    public var domain: NetworkDomain?
    public var dns = NetworkDNS()
    public var vlan: NetworkVLAN?
    public var bandwidth: NetworkBandwidth?
    /// `<port isolated='yes|no'/>`: guest ports may not talk to each other (bridge port isolation).
    public var isolatedPort: Bool?
    public var ips: [NetworkIP] = []
    public var routes: [NetworkRoute] = []
    public var virtualPort: VirtualPortProfile?
    public var portGroups: [NetworkPortGroup] = []
    /// `<dnsmasq:options><dnsmasq:option value=.../>`: lines added to dnsmasq's configuration as they are.
    public var dnsmasqOptions: [String] = []

    public init(name: String, uuid: DomainUUID) {
        self.name = name
        self.uuid = uuid
    }

    /// The forward mode; no `<forward>` is an isolated network.
    public var mode: NetworkForward.Mode? { forward?.mode }

    /// NAT/route/open/isolated networks make a bridge of their own (with addresses, DHCP and DNS); the other modes
    /// use what the host has: a bridge (`bridge` with a bridge name), macvtap on host interfaces, or SR-IOV devices.
    public var ownsBridge: Bool { mode.map { [.nat, .route, .open].contains($0) } ?? true }
    /// Guests attach through macvtap devices on a host interface (libvirt's "direct" connections).
    public var usesMacvtap: Bool {
        switch mode {
        case .private?, .vepa?, .passthrough?: return true
        case .bridge?: return bridge?.name == nil
        default: return false
        }
    }
    /// IP forwarding is needed only when traffic leaves the network through the host.
    public var needsIPForwarding: Bool { mode == .nat || mode == .route || mode == .open }
    public var hasDHCP: Bool { ips.contains { !$0.dhcpRanges.isEmpty || !$0.dhcpHosts.isEmpty } }
    /// `<dns enable='no'>` turns dnsmasq's DNS off (it still serves DHCP).
    public var wantsDNS: Bool { dns.enable != false }

    /// The portgroup named `name`, or the default one when `name` is nil.
    public func portGroup(_ name: String?) -> NetworkPortGroup? {
        guard let name else { return portGroups.first(where: \.isDefault) }
        return portGroups.first { $0.name == name }
    }
}

public struct NetworkBridge: Sendable, Equatable {
    public enum MACTableManager: String, Sendable, Equatable, CaseIterable { case kernel, libvirt }
    /// The bridge's name (for NAT/route/open/isolated networks a name is chosen at define when absent).
    public var name: String?
    /// firewalld zone for the bridge.
    public var zone: String?
    /// Spanning tree; nil when the definition did not say (libvirt's default is on).
    public var stp: Bool?
    /// Forward delay in seconds; nil when the definition did not say (0).
    public var delay: UInt64?
    public var macTableManager: MACTableManager?
    public init(name: String? = nil, stp: Bool? = nil, delay: UInt64? = nil) {
        self.name = name
        self.stp = stp
        self.delay = delay
    }
}

public struct NetworkForward: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        case nat, route, open, bridge, passthrough, `private`, vepa, hostdev
    }
    public enum DriverName: String, Sendable, Equatable, CaseIterable { case kvm, vfio }

    public var mode: Mode
    /// `managed='yes'` (hostdev): detach the devices from their host drivers.
    public var managed = false
    /// `<driver name>` (hostdev).
    public var driverName: DriverName?
    /// The interface pool (`<interface dev>`); `<forward dev='X'>` is the first of it.
    public var interfaces: [String] = []
    /// The hostdev pool by PCI address (`<address type='pci'>`).
    public var pciAddresses: [NetworkPCIAddress] = []
    /// `<pf dev>`: an SR-IOV physical function whose virtual functions are the pool.
    public var pf: String?
    public var nat: NetworkNAT?

    public init(mode: Mode) { self.mode = mode }

    /// `dev=`: the host interface traffic leaves through (any when absent).
    public var dev: String? { pf == nil ? interfaces.first : nil }
}

/// `<nat ipv6>` with `<address start end/>` and `<port start end/>`.
public struct NetworkNAT: Sendable, Equatable {
    /// IPv4 addresses NAT maps to (SNAT instead of masquerade).
    public var addressStart: IPAddress?
    public var addressEnd: IPAddress?
    /// Source ports NAT maps to.
    public var ports: ClosedRange<Int>?
    /// `ipv6='yes'`: IPv6 subnets are masqueraded too.
    public var ipv6: Bool?
    public init() {}
}

/// A PCI address as `<address type='pci' domain bus slot function/>`.
public struct NetworkPCIAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var domain: UInt32
    public var bus: UInt32
    public var slot: UInt32
    public var function: UInt32
    public init(domain: UInt32, bus: UInt32, slot: UInt32, function: UInt32) {
        (self.domain, self.bus, self.slot, self.function) = (domain, bus, slot, function)
    }
    /// "0000:04:00.1", as sysfs names the device.
    public var description: String {
        hex(domain, 4) + ":" + hex(bus, 2) + ":" + hex(slot, 2) + "." + String(function, radix: 16)
    }
    func hex(_ v: UInt32, _ width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}

public struct NetworkDomain: Sendable, Equatable {
    public var name: String
    /// `localOnly='yes'`: dnsmasq answers names in the domain itself and never forwards them.
    public var localOnly: Bool?
    public init(name: String, localOnly: Bool? = nil) {
        self.name = name
        self.localOnly = localOnly
    }
}

public struct NetworkDNS: Sendable, Equatable {
    public var enable: Bool?
    /// `forwardPlainNames='no'`: names without a dot are answered locally or not at all.
    public var forwardPlainNames: Bool?
    public var forwarders: [DNSForwarder] = []
    public var txts: [DNSTXT] = []
    public var srvs: [DNSSRV] = []
    public var hosts: [NetworkDNSHost] = []
    public init() {}

    public var isEmpty: Bool {
        enable == nil && forwardPlainNames == nil && forwarders.isEmpty && txts.isEmpty && srvs.isEmpty
            && hosts.isEmpty
    }
}

/// `<forwarder addr domain/>`: where dnsmasq sends queries (for `domain` only, when given). A domain without an
/// address means "answer locally, never forward".
public struct DNSForwarder: Sendable, Equatable {
    public var address: IPAddress?
    public var domain: String?
    public init(address: IPAddress?, domain: String?) {
        self.address = address
        self.domain = domain
    }
}

public struct DNSTXT: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public struct DNSSRV: Sendable, Equatable {
    public var service: String
    public var `protocol`: String
    public var domain: String?
    public var target: String?
    public var port: Int?
    public var priority: Int?
    public var weight: Int?
    public init(service: String, protocol: String) {
        self.service = service
        self.protocol = `protocol`
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

/// `<ip>`: one address of the bridge, its subnet, DHCP and TFTP on it.
public struct NetworkIP: Sendable, Equatable {
    public var address: IPAddress
    /// `family=` as written (libvirt prints it only when given).
    public var family: String?
    /// `netmask=` as written (IPv4 only).
    public var netmask: IPAddress?
    /// `prefix=` as written; 0 counts as absent, as in libvirt.
    public var prefixAttribute: Int?
    /// `localPtr='yes'`: dnsmasq answers reverse lookups for the subnet itself.
    public var localPTR: Bool?
    public var tftpRoot: String?
    public var dhcpRanges: [DHCPRange] = []
    public var dhcpHosts: [DHCPHost] = []
    public var bootp: DHCPBootp?

    public init(address: IPAddress, prefix: Int? = nil, netmask: IPAddress? = nil) {
        self.address = address
        self.prefixAttribute = prefix
        self.netmask = netmask
    }

    /// The prefix length as libvirt computes it: `prefix`, else the netmask's, else the address class's (IPv4:
    /// 8, 16 or 24) or 64 (IPv6); nil for an IPv4 address of no class (multicast, reserved).
    public var effectivePrefix: Int? {
        if let p = prefixAttribute, p > 0 { return p }
        if let m = netmask, let p = IPAddress.prefixLength(ofNetmask: m.description) { return p }
        guard address.isIPv4 else { return address.bytes.allSatisfy { $0 == 0 } ? 0 : 64 }
        let first = address.bytes[0]
        if address.bytes.allSatisfy({ $0 == 0 }) { return 0 }
        if first & 0x80 == 0 { return 8 }
        if first & 0xC0 == 0x80 { return 16 }
        if first & 0xE0 == 0xC0 { return 24 }
        return nil
    }
    /// The prefix length used at run time (the address class's for a classless one, 32 or 128 as a last resort).
    public var prefix: Int { effectivePrefix ?? (address.isIPv4 ? 32 : 128) }
    public var subnet: IPSubnet { IPSubnet(address: address, prefix: prefix) }
    public var hasDHCP: Bool { !dhcpRanges.isEmpty || !dhcpHosts.isEmpty }
}

/// `<lease expiry unit/>`: DHCP lease time; expiry 0 is an infinite lease.
public struct DHCPLease: Sendable, Equatable {
    public enum Unit: String, Sendable, Equatable, CaseIterable { case seconds, minutes, hours }
    public var expiry: UInt64
    public var unit: Unit
    public init(expiry: UInt64, unit: Unit = .minutes) {
        self.expiry = expiry
        self.unit = unit
    }
}

public struct DHCPRange: Sendable, Equatable {
    public var start: IPAddress
    public var end: IPAddress
    public var lease: DHCPLease?
    public init(start: IPAddress, end: IPAddress, lease: DHCPLease? = nil) {
        self.start = start
        self.end = end
        self.lease = lease
    }
}

/// `<host mac id name ip/>`: a fixed address for one client (by MAC for IPv4, by DHCPv6 client id or name for
/// IPv6).
public struct DHCPHost: Sendable, Equatable {
    public var mac: MACAddress? {
        didSet { macText = mac?.description }
    }
    /// The MAC as written (libvirt keeps and prints its spelling, e.g. upper case).
    public var macText: String?
    public var id: String?
    public var name: String?
    public var ip: IPAddress?
    public var lease: DHCPLease?
    public init(mac: MACAddress?, name: String?, ip: IPAddress?, id: String? = nil) {
        self.mac = mac
        self.macText = mac?.description
        self.name = name
        self.ip = ip
        self.id = id
    }
}

/// `<bootp file server/>`: the PXE boot file (and the TFTP server holding it).
public struct DHCPBootp: Sendable, Equatable {
    public var file: String
    public var server: IPAddress?
    public init(file: String, server: IPAddress?) {
        self.file = file
        self.server = server
    }
}

/// `<route address prefix|netmask gateway metric/>`: a static route through a gateway on the network.
public struct NetworkRoute: Sendable, Equatable {
    public var family: String?
    public var address: IPAddress
    public var netmask: IPAddress?
    public var prefix: Int?
    public var gateway: IPAddress
    public var metric: Int?
    public init(address: IPAddress, prefix: Int?, gateway: IPAddress) {
        self.address = address
        self.prefix = prefix
        self.gateway = gateway
    }
    public var prefixLength: Int {
        if let m = netmask, let p = IPAddress.prefixLength(ofNetmask: m.description) { return p }
        return prefix ?? 0
    }
}

/// `<vlan trunk><tag id nativeMode/></vlan>`.
public struct NetworkVLAN: Sendable, Equatable {
    public enum NativeMode: String, Sendable, Equatable, CaseIterable { case tagged, untagged }
    public var tags: [Int]
    public var trunk: Bool
    public var nativeMode: NativeMode?
    public var nativeTag: Int?
    public init(tags: [Int], trunk: Bool = false) {
        self.tags = tags
        self.trunk = trunk
    }
}

/// `<bandwidth>`: `inbound` is traffic towards the guests, `outbound` traffic from them (kbytes/s, kbytes).
public struct NetworkBandwidth: Sendable, Equatable {
    public struct Rate: Sendable, Equatable {
        public var average: UInt64?
        public var peak: UInt64?
        public var floor: UInt64?
        public var burst: UInt64?
        public init(average: UInt64?) { self.average = average }
    }
    public var inbound: Rate?
    public var outbound: Rate?
    public init(inbound: Rate? = nil, outbound: Rate? = nil) {
        self.inbound = inbound
        self.outbound = outbound
    }
}

/// `<virtualport type><parameters .../></virtualport>`: an 802.1Qbg/Qbh switch port or an Open vSwitch or
/// MidoNet port profile.
public struct VirtualPortProfile: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case qbg = "802.1Qbg", qbh = "802.1Qbh", openvswitch, midonet
    }
    public var type: Kind?
    public var managerID: Int?
    public var typeID: Int?
    public var typeIDVersion: Int?
    public var instanceID: DomainUUID?
    public var profileID: String?
    public var interfaceID: DomainUUID?
    public init(type: Kind?) { self.type = type }
}

/// `<portgroup name default trustGuestRxFilters>`: settings a guest interface picks by name (or the default).
public struct NetworkPortGroup: Sendable, Equatable {
    public var name: String
    public var isDefault = false
    public var trustGuestRxFilters: Bool?
    public var vlan: NetworkVLAN?
    public var virtualPort: VirtualPortProfile?
    public var bandwidth: NetworkBandwidth?
    public init(name: String) { self.name = name }
}
