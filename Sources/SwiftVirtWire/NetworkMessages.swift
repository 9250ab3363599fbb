// Written from remote_protocol.x (libvirt 9.0): the network procedures (36-52, 152-153, 283, 291, 341) and
// DOMAIN_INTERFACE_ADDRESSES (353). Naming as in DomainLifecycleMessages.swift.

public typealias NetworkCreateArgs = NetworkPayload
public typealias NetworkDestroyArgs = NetworkPayload
public typealias NetworkUndefineArgs = NetworkPayload
public typealias NetworkGetBridgeNameArgs = NetworkPayload
public typealias NetworkGetAutostartArgs = NetworkPayload
public typealias NetworkIsActiveArgs = NetworkPayload
public typealias NetworkIsPersistentArgs = NetworkPayload
public typealias NetworkLookupByNameRet = NetworkPayload
public typealias NetworkLookupByUuidRet = NetworkPayload
public typealias NetworkDefineXmlRet = NetworkPayload
public typealias NetworkCreateXmlRet = NetworkPayload
/// Procedures 41 and 40 send `remote_nonnull_string xml`.
public typealias NetworkDefineXmlArgs = XmlPayload
public typealias NetworkCreateXmlArgs = XmlPayload
/// Procedure 47: `remote_uuid uuid`, the same layout as the domain lookup.
public typealias NetworkLookupByUuidArgs = UuidArgs
/// Procedure 43 replies `remote_nonnull_string xml`.
public typealias NetworkGetXmlDescRet = XmlPayload

/// Arguments of procedure 46.
public typealias NetworkLookupByNameArgs = NamePayload

/// Arguments of procedure 43.
public typealias NetworkGetXmlDescArgs = NetworkFlagsArgs

/// Reply of procedure 45.
public typealias NetworkGetBridgeNameRet = NamePayload

/// Reply of procedure 44.
public typealias NetworkGetAutostartRet = AutostartRet

/// Reply of procedure 152.
public typealias NetworkIsActiveRet = ActiveRet

/// Reply of procedure 153.
public typealias NetworkIsPersistentRet = PersistentRet

/// Arguments of procedure 48.
public struct NetworkSetAutostartArgs: PairPayload, Equatable {
    public var net: RemoteNonnullNetwork
    public var autostart: Int32
    public init(net: RemoteNonnullNetwork, autostart: Int32) { (self.net, self.autostart) = (net, autostart) }
    public init(wirePair: (RemoteNonnullNetwork, Int32)) { (net, autostart) = wirePair }
    public var wirePair: (RemoteNonnullNetwork, Int32) { (net, autostart) }
}

/// Arguments of procedure 283 (`int need_results; unsigned int flags;`, as for domains).
public typealias ConnectListAllNetworksArgs = ListAllArgs

/// Reply of procedure 283.
public struct ConnectListAllNetworksRet: ListAllPayload, Equatable {
    public static var itemLimit: Int { RemoteLimits.networkList }
    public var nets: [RemoteNonnullNetwork]
    public var ret: UInt32
    public init(nets: [RemoteNonnullNetwork], ret: UInt32) { (self.nets, self.ret) = (nets, ret) }
    public init(wireItems: [RemoteNonnullNetwork], ret: UInt32) { self.init(nets: wireItems, ret: ret) }
    public var wireItems: [RemoteNonnullNetwork] { nets }
}

/// Arguments of procedure 291.
public struct NetworkUpdateArgs: XDRCodable, Equatable {
    public var net: RemoteNonnullNetwork
    public var command: UInt32
    public var section: UInt32
    public var parentIndex: Int32
    public var xml: String
    public var flags: UInt32
    public init(
        net: RemoteNonnullNetwork, command: UInt32, section: UInt32, parentIndex: Int32, xml: String, flags: UInt32
    ) {
        self.net = net
        self.command = command
        self.section = section
        self.parentIndex = parentIndex
        self.xml = xml
        self.flags = flags
    }
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        net = try decoder.decode(RemoteNonnullNetwork.self)
        command = try decoder.decode(UInt32.self)
        section = try decoder.decode(UInt32.self)
        parentIndex = try decoder.decode(Int32.self)
        xml = try decoder.decodeString()
        flags = try decoder.decode(UInt32.self)
    }
    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(net)
        encoder.encode(command)
        encoder.encode(section)
        encoder.encode(parentIndex)
        encoder.encode(xml)
        encoder.encode(flags)
    }
}

/// `remote_network_dhcp_lease`.
public struct NetworkDhcpLease: XDRCodable, Equatable {
    public var iface: String
    public var expirytime: Int64
    /// VIR_IP_ADDR_TYPE_IPV4 0, IPV6 1.
    public var type: Int32
    public var mac: String?
    public var iaid: String?
    public var ipaddr: String
    public var prefix: UInt32
    public var hostname: String?
    public var clientid: String?
    public init(
        iface: String, expirytime: Int64, type: Int32, mac: String?, iaid: String?, ipaddr: String, prefix: UInt32,
        hostname: String?, clientid: String?
    ) {
        self.iface = iface
        self.expirytime = expirytime
        self.type = type
        self.mac = mac
        self.iaid = iaid
        self.ipaddr = ipaddr
        self.prefix = prefix
        self.hostname = hostname
        self.clientid = clientid
    }
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        iface = try decoder.decodeString()
        expirytime = try decoder.decode(Int64.self)
        type = try decoder.decode(Int32.self)
        mac = try decoder.decodeOptionalString()
        iaid = try decoder.decodeOptionalString()
        ipaddr = try decoder.decodeString()
        prefix = try decoder.decode(UInt32.self)
        hostname = try decoder.decodeOptionalString()
        clientid = try decoder.decodeOptionalString()
    }
    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(iface)
        encoder.encode(expirytime)
        encoder.encode(type)
        encoder.encodeOptional(mac)
        encoder.encodeOptional(iaid)
        encoder.encode(ipaddr)
        encoder.encode(prefix)
        encoder.encodeOptional(hostname)
        encoder.encodeOptional(clientid)
    }
}

/// Arguments of procedure 341.
public struct NetworkGetDhcpLeasesArgs: XDRCodable, Equatable {
    public var net: RemoteNonnullNetwork
    public var mac: String?
    public var needResults: Int32
    public var flags: UInt32
    public init(net: RemoteNonnullNetwork, mac: String?, needResults: Int32, flags: UInt32) {
        self.net = net
        self.mac = mac
        self.needResults = needResults
        self.flags = flags
    }
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        net = try decoder.decode(RemoteNonnullNetwork.self)
        mac = try decoder.decodeOptionalString()
        needResults = try decoder.decode(Int32.self)
        flags = try decoder.decode(UInt32.self)
    }
    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(net)
        encoder.encodeOptional(mac)
        encoder.encode(needResults)
        encoder.encode(flags)
    }
}

/// Reply of procedure 341.
public struct NetworkGetDhcpLeasesRet: ListAllPayload, Equatable {
    public static var itemLimit: Int { RemoteLimits.networkDhcpLeases }
    public var leases: [NetworkDhcpLease]
    public var ret: UInt32
    public init(leases: [NetworkDhcpLease], ret: UInt32) { (self.leases, self.ret) = (leases, ret) }
    public init(wireItems: [NetworkDhcpLease], ret: UInt32) { self.init(leases: wireItems, ret: ret) }
    public var wireItems: [NetworkDhcpLease] { leases }
}

/// `remote_domain_ip_addr`.
public struct DomainIpAddr: XDRCodable, Equatable {
    public var type: Int32
    public var addr: String
    public var prefix: UInt32
    public init(type: Int32, addr: String, prefix: UInt32) {
        self.type = type
        self.addr = addr
        self.prefix = prefix
    }
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        type = try decoder.decode(Int32.self)
        addr = try decoder.decodeString()
        prefix = try decoder.decode(UInt32.self)
    }
    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(type)
        encoder.encode(addr)
        encoder.encode(prefix)
    }
}

/// `remote_domain_interface`.
public struct DomainInterface: XDRCodable, Equatable {
    public var name: String
    public var hwaddr: String?
    public var addrs: [DomainIpAddr]
    public init(name: String, hwaddr: String?, addrs: [DomainIpAddr]) {
        self.name = name
        self.hwaddr = hwaddr
        self.addrs = addrs
    }
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        name = try decoder.decodeString()
        hwaddr = try decoder.decodeOptionalString()
        addrs = try decoder.decodeArray(DomainIpAddr.self, limit: RemoteLimits.domainIPAddresses)
    }
    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(name)
        encoder.encodeOptional(hwaddr)
        encoder.encodeArray(addrs)
    }
}

/// Arguments of procedure 353.
public struct DomainInterfaceAddressesArgs: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain
    /// VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE 0, AGENT 1, ARP 2.
    public var source: UInt32
    public var flags: UInt32
    public init(dom: RemoteNonnullDomain, source: UInt32, flags: UInt32) {
        self.dom = dom
        self.source = source
        self.flags = flags
    }
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
        source = try decoder.decode(UInt32.self)
        flags = try decoder.decode(UInt32.self)
    }
    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
        encoder.encode(source)
        encoder.encode(flags)
    }
}

/// Reply of procedure 353.
public struct DomainInterfaceAddressesRet: ArrayPayload, Equatable {
    public static var itemLimit: Int { RemoteLimits.domainInterfaces }
    public var ifaces: [DomainInterface]
    public init(ifaces: [DomainInterface]) { self.ifaces = ifaces }
    public init(wireItems: [DomainInterface]) { ifaces = wireItems }
    public var wireItems: [DomainInterface] { ifaces }
}

// The old bounded name lists of networks (python's listNetworks/listDefinedNetworks still use them).

/// Reply of procedure 52.
public typealias ConnectNumOfNetworksRet = NumRet
/// Arguments of procedure 38.
public typealias ConnectListNetworksArgs = MaxnamesArgs
/// Reply of procedure 38.
public typealias ConnectListNetworksRet = NamesRet
/// Reply of procedure 50.
public typealias ConnectNumOfDefinedNetworksRet = NumRet
/// Arguments of procedure 36.
public typealias ConnectListDefinedNetworksArgs = MaxnamesArgs
/// Reply of procedure 36.
public typealias ConnectListDefinedNetworksRet = NamesRet
