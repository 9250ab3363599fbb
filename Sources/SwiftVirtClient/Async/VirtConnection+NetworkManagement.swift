import SwiftVirtWire

/// virNetworkUpdate's command (virNetworkUpdateCommand).
public enum NetworkUpdateCommand: UInt32, Sendable, CaseIterable {
    case modify = 1
    case delete, addLast, addFirst

    /// The command virsh's net-update names `word` ("add" is add-last), if any.
    public init?(virshName word: String) {
        switch word {
        case "modify": self = .modify
        case "delete": self = .delete
        case "add", "add-last": self = .addLast
        case "add-first": self = .addFirst
        default: return nil
        }
    }
}

/// The part of a network definition virNetworkUpdate changes (virNetworkUpdateSection), named as virsh names it.
public enum NetworkUpdateSection: UInt32, Sendable, CaseIterable {
    case bridge = 1
    case domain, ip, ipDhcpHost, ipDhcpRange, forward, forwardInterface, forwardPF, portgroup
    case dnsHost, dnsTxt, dnsSrv

    /// virsh's name of the section ("ip-dhcp-host", "dns-host", ...).
    public var virshName: String { Self.names[Int(rawValue) - 1] }

    private static let names = [
        "bridge", "domain", "ip", "ip-dhcp-host", "ip-dhcp-range", "forward", "forward-interface", "forward-pf",
        "portgroup", "dns-host", "dns-txt", "dns-srv",
    ]

    /// The section virsh calls `name`, if any.
    public init?(virshName name: String) {
        guard let index = Self.names.firstIndex(of: name) else { return nil }
        self.init(rawValue: UInt32(index + 1))
    }
}

/// Which copies of a network virNetworkUpdate changes (virNetworkUpdateFlags).
public struct NetworkUpdateFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// The running network (VIR_NETWORK_UPDATE_AFFECT_LIVE).
    public static let live = NetworkUpdateFlags(rawValue: 1)
    /// The persistent definition (VIR_NETWORK_UPDATE_AFFECT_CONFIG).
    public static let config = NetworkUpdateFlags(rawValue: 2)
    /// Neither bit: the live network when it runs, else the definition (VIR_NETWORK_UPDATE_AFFECT_CURRENT).
    public static let current: NetworkUpdateFlags = []
}

/// The source virDomainInterfaceAddresses reads (virDomainInterfaceAddressesSource).
public enum InterfaceAddressSource: UInt32, Sendable {
    /// The DHCP leases of the daemon's networks.
    case lease = 0
    /// The guest agent.
    case agent = 1
    /// The host's ARP/neighbour table.
    case arp = 2
}

/// Typed calls for defining, changing and querying virtual networks, and the legacy name lists.
extension VirtConnection {
    /// NETWORK_DEFINE_XML: defines (or redefines) a persistent network from its XML.
    public func defineNetwork(xml: String) async throws(VirtClientError) -> RemoteNonnullNetwork {
        try await call(Remote.NetworkDefineXML.self, NetworkDefineXmlArgs(xml: xml)).net
    }

    /// NETWORK_CREATE_XML: creates and starts a transient network.
    public func createNetwork(xml: String) async throws(VirtClientError) -> RemoteNonnullNetwork {
        try await call(Remote.NetworkCreateXML.self, NetworkCreateXmlArgs(xml: xml)).net
    }

    /// NETWORK_UNDEFINE: removes a network's persistent definition (a running one stays, transient).
    public func undefine(_ net: RemoteNonnullNetwork) async throws(VirtClientError) {
        try await call(Remote.NetworkUndefine.self, NetworkUndefineArgs(net: net))
    }

    /// NETWORK_SET_AUTOSTART.
    public func setAutostart(_ net: RemoteNonnullNetwork, _ autostart: Bool) async throws(VirtClientError) {
        try await call(Remote.NetworkSetAutostart.self, NetworkSetAutostartArgs(net: net, autostart: autostart ? 1 : 0))
    }

    /// NETWORK_UPDATE: applies `command` with the XML fragment `xml` to `section` of the network, in the live
    /// network and/or its definition per `flags`. `parentIndex` picks the `<ip>` element (-1: the first that fits).
    public func update(
        _ net: RemoteNonnullNetwork, command: NetworkUpdateCommand, section: NetworkUpdateSection, xml: String,
        parentIndex: Int32 = -1, flags: NetworkUpdateFlags = .current
    ) async throws(VirtClientError) {
        // Daemons that do not advertise VIR_DRV_FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER (16) read the section
        // from the `command` field and the command from `section` (an old libvirt swap); libvirt's client, and
        // this one, swap for them. libvirtd 9.0 advertises the feature and takes the fields as named.
        let correctOrder = (try? await supportsFeature(Self.networkUpdateHasCorrectOrder)) ?? false
        let (first, second) =
            correctOrder ? (command.rawValue, section.rawValue) : (section.rawValue, command.rawValue)
        try await call(Remote.NetworkUpdate.self,
            NetworkUpdateArgs(
                net: net, command: first, section: second, parentIndex: parentIndex, xml: xml, flags: flags.rawValue))
    }

    /// VIR_DRV_FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER.
    static let networkUpdateHasCorrectOrder: Int32 = 16

    /// NETWORK_GET_DHCP_LEASES: the network's current leases, only those of `mac` when given.
    public func dhcpLeases(_ net: RemoteNonnullNetwork, mac: String? = nil) async throws(VirtClientError)
        -> [RemoteNetworkDhcpLease]
    {
        try await call(Remote.NetworkGetDHCPLeases.self, NetworkGetDhcpLeasesArgs(net: net, mac: mac, needResults: 1, flags: 0)
        ).leases
    }

    /// DOMAIN_INTERFACE_ADDRESSES: the addresses of a running domain's interfaces as `source` knows them.
    public func interfaceAddresses(_ dom: RemoteNonnullDomain, source: InterfaceAddressSource = .lease)
        async throws(VirtClientError) -> [RemoteDomainInterface]
    {
        try await call(Remote.DomainInterfaceAddresses.self, DomainInterfaceAddressesArgs(dom: dom, source: source.rawValue, flags: 0)
        ).ifaces
    }

    /// CONNECT_NUM_OF_NETWORKS (active networks; the pre-0.10 API).
    public func numberOfActiveNetworks() async throws(VirtClientError) -> Int {
        Int(try await call(Remote.ConnectNumOfNetworks.self).num)
    }

    /// CONNECT_NUM_OF_DEFINED_NETWORKS (inactive persistent networks).
    public func numberOfDefinedNetworks() async throws(VirtClientError) -> Int {
        Int(try await call(Remote.ConnectNumOfDefinedNetworks.self).num)
    }

    /// CONNECT_LIST_NETWORKS: names of up to `max` active networks.
    public func activeNetworkNames(max: Int32 = 256) async throws(VirtClientError) -> [String] {
        try await call(Remote.ConnectListNetworks.self, ConnectListNetworksArgs(maxnames: max)).names
    }

    /// CONNECT_LIST_DEFINED_NETWORKS: names of up to `max` inactive persistent networks.
    public func definedNetworkNames(max: Int32 = 256) async throws(VirtClientError) -> [String] {
        try await call(Remote.ConnectListDefinedNetworks.self, ConnectListDefinedNetworksArgs(maxnames: max)).names
    }
}
