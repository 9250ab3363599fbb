import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtWire

/// The network procedures and DOMAIN_INTERFACE_ADDRESSES (its lease source is the networks' dnsmasq, its agent
/// source the guest agent).
enum NetworkRoutes {
    static func register(into table: inout RouteTable) {
        registerQueries(into: &table)
        registerLifecycle(into: &table)
        registerEvents(into: &table)
        table.on(Remote.NetworkGetDHCPLeases.self) {
            (args: NetworkGetDhcpLeasesArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "virNetworkGetDHCPLeases")
            let found = try await ctx.networks.leases(args.net.networkUUID(), mac: args.mac)
            let leases = found.map { l, prefix, bridge in
                RemoteNetworkDhcpLease(
                    iface: bridge, expirytime: l.expiry, type: l.ip.isIPv4 ? 0 : 1, mac: l.mac, iaid: l.iaid,
                    ipaddr: l.ip.description, prefix: UInt32(prefix), hostname: l.hostname, clientid: l.clientID)
            }
            return NetworkGetDhcpLeasesRet(leases: args.needResults != 0 ? leases : [], ret: UInt32(leases.count))
        }
        table.on(Remote.DomainInterfaceAddresses.self) { (args: DomainInterfaceAddressesArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "virDomainInterfaceAddresses")
            // VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE 0, _AGENT 1, _ARP 2
            guard args.source <= 2 else {
                throw VirtError(
                    .argumentUnsupported, domain: .qemu, detail: "Unknown IP address data source \(args.source)")
            }
            if args.source == 1 {
                let found = try await GuestAgentRoutes.withAgent(args.dom, Remote.DomainInterfaceAddresses.info, ctx) {
                    try await $0.guestInterfaces()
                }
                return DomainInterfaceAddressesRet(
                    ifaces: found.map { nic in
                        RemoteDomainInterface(
                            name: nic.name, hwaddr: nic.hardwareAddress,
                            addrs: nic.addresses.map {
                                RemoteDomainIpAddr(type: $0.isIPv6 ? 1 : 0, addr: $0.address, prefix: $0.prefix)
                            })
                    })
            }
            let rec = try await ctx.registry.record(args.dom.domainUUID())
            guard let live = rec.live else { throw DaemonError.domainNotRunning(rec.config.name) }
            var ifaces: [RemoteDomainInterface] = []
            let arp = args.source == 2 ? NetworkHost.arpTable() : []
            for nic in live.devices.interfaces {
                guard let mac = nic.mac?.description else { continue }
                var addrs: [RemoteDomainIpAddr] = []
                if args.source == 2 {
                    // The host's neighbour table knows guests on any bridge once they have talked; no prefix there.
                    addrs = arp.filter { $0.mac == mac.lowercased() }.map {
                        RemoteDomainIpAddr(type: 0, addr: $0.ip, prefix: 0)
                    }
                } else if nic.type == .network, let network = nic.source,
                    let net = try? await ctx.networks.record(named: network)
                {
                    let leases = (try? await ctx.networks.leases(net.config.uuid, mac: mac)) ?? []
                    addrs = leases.map { l, prefix, _ in
                        RemoteDomainIpAddr(type: l.ip.isIPv4 ? 0 : 1, addr: l.ip.description, prefix: UInt32(prefix))
                    }
                }
                if !addrs.isEmpty {
                    ifaces.append(RemoteDomainInterface(name: nic.targetDev ?? "-", hwaddr: mac, addrs: addrs))
                }
            }
            return DomainInterfaceAddressesRet(ifaces: ifaces)
        }
    }

    private static func registerQueries(into table: inout RouteTable) {
        table.on(Remote.ConnectListAllNetworks.self) {
            (args: ConnectListAllNetworksArgs, ctx) in
            try checkFlags(args.flags, allowed: 0x3F, "virConnectListAllNetworks")
            let f = args.flags
            let all = await ctx.networks.all().filter { r in
                func group(_ a: UInt32, _ b: UInt32, _ isA: Bool) -> Bool {
                    f & (a | b) == 0 || (f & a != 0 && isA) || (f & b != 0 && !isA)
                }
                // INACTIVE 1 / ACTIVE 2, PERSISTENT 4 / TRANSIENT 8, AUTOSTART 16 / NO_AUTOSTART 32
                return group(2, 1, r.isActive) && group(4, 8, r.persistent) && group(16, 32, r.autostart)
            }
            return ConnectListAllNetworksRet(
                nets: args.needResults != 0 ? all.map(\.wire) : [], ret: UInt32(all.count))
        }
        table.on(Remote.ConnectNumOfNetworks.self) {
            ctx in
            ConnectNumOfNetworksRet(num: Int32(await ctx.networks.all().filter(\.isActive).count))
        }
        table.on(Remote.ConnectListNetworks.self) {
            (args: ConnectListNetworksArgs, ctx) in
            let names = await ctx.networks.all().filter(\.isActive).map(\.config.name)
            return ConnectListNetworksRet(names: Array(names.prefix(Int(max(0, args.maxnames)))))
        }
        table.on(Remote.ConnectNumOfDefinedNetworks.self) { ctx in
            ConnectNumOfDefinedNetworksRet(num: Int32(await ctx.networks.all().filter { !$0.isActive }.count))
        }
        table.on(Remote.ConnectListDefinedNetworks.self) { (args: ConnectListDefinedNetworksArgs, ctx) in
            let names = await ctx.networks.all().filter { !$0.isActive }.map(\.config.name)
            return ConnectListDefinedNetworksRet(names: Array(names.prefix(Int(max(0, args.maxnames)))))
        }
        table.on(Remote.NetworkLookupByName.self) {
            (args: NetworkLookupByNameArgs, ctx) in
            NetworkLookupByNameRet(net: try await ctx.networks.record(named: args.name).wire)
        }
        table.on(Remote.NetworkLookupByUUID.self) {
            (args: NetworkLookupByUuidArgs, ctx) in
            guard let uuid = DomainUUID(bytes: args.uuid) else {
                throw DaemonError.invalidArgument("malformed network uuid")
            }
            return NetworkLookupByUuidRet(net: try await ctx.networks.record(uuid).wire)
        }
        table.on(Remote.NetworkGetXMLDesc.self) {
            (args: NetworkGetXmlDescArgs, ctx) in
            try checkFlags(args.flags, allowed: 1, "virNetworkGetXMLDesc")  // INACTIVE
            return NetworkGetXmlDescRet(xml: try await ctx.networks.xml(args.net.networkUUID(), inactive: args.flags & 1 != 0))
        }
        table.on(Remote.NetworkGetBridgeName.self) {
            (args: NetworkGetBridgeNameArgs, ctx) in
            let r = try await ctx.networks.record(args.net.networkUUID())
            guard !r.bridge.isEmpty else {
                throw NetworkError.internalError("network '\(r.config.name)' does not have a bridge name.")
            }
            return NetworkGetBridgeNameRet(name: r.bridge)
        }
        table.on(Remote.NetworkGetAutostart.self) {
            (args: NetworkGetAutostartArgs, ctx) in
            NetworkGetAutostartRet(autostart: try await ctx.networks.record(args.net.networkUUID()).autostart ? 1 : 0)
        }
        table.on(Remote.NetworkIsActive.self) {
            (args: NetworkIsActiveArgs, ctx) in
            NetworkIsActiveRet(active: try await ctx.networks.record(args.net.networkUUID()).isActive ? 1 : 0)
        }
        table.on(Remote.NetworkIsPersistent.self) {
            (args: NetworkIsPersistentArgs, ctx) in
            NetworkIsPersistentRet(
                persistent: try await ctx.networks.record(args.net.networkUUID()).persistent ? 1 : 0)
        }
    }

    private static func registerLifecycle(into table: inout RouteTable) {
        table.on(Remote.NetworkDefineXML.self, waits: true) {
            (args: NetworkDefineXmlArgs, ctx) in
            NetworkDefineXmlRet(net: try await ctx.networks.define(xml: args.xml).wire)
        }
        table.on(Remote.NetworkCreateXML.self) {
            (args: NetworkCreateXmlArgs, ctx) in
            NetworkCreateXmlRet(net: try await ctx.networks.createTransient(xml: args.xml).wire)
        }
        // VIR_NETWORK_DEFINE_VALIDATE / VIR_NETWORK_CREATE_VALIDATE (1): the parser always refuses what the schema
        // has no place for, so validating adds nothing to it.
        table.on(Remote.NetworkDefineXMLFlags.self, waits: true) {
            (args: NetworkDefineXmlFlagsArgs, ctx) in
            try checkFlags(args.flags, allowed: 1, "virNetworkDefineXMLFlags")
            return NetworkDefineXmlFlagsRet(net: try await ctx.networks.define(xml: args.xml).wire)
        }
        table.on(Remote.NetworkCreateXMLFlags.self) {
            (args: NetworkCreateXmlFlagsArgs, ctx) in
            try checkFlags(args.flags, allowed: 1, "virNetworkCreateXMLFlags")
            return NetworkCreateXmlFlagsRet(net: try await ctx.networks.createTransient(xml: args.xml).wire)
        }
        table.on(Remote.NetworkCreate.self) { (args: NetworkCreateArgs, ctx) in
            try await ctx.networks.start(args.net.networkUUID())
            return XDRVoid()
        }
        table.on(Remote.NetworkDestroy.self, waits: true) {
            (args: NetworkDestroyArgs, ctx) in
            try await ctx.networks.destroy(args.net.networkUUID())
            return XDRVoid()
        }
        table.on(Remote.NetworkUndefine.self, waits: true) {
            (args: NetworkUndefineArgs, ctx) in
            try await ctx.networks.undefine(args.net.networkUUID())
            return XDRVoid()
        }
        table.on(Remote.NetworkSetAutostart.self, waits: true) {
            (args: NetworkSetAutostartArgs, ctx) in
            try await ctx.networks.setAutostart(args.net.networkUUID(), args.autostart != 0)
            return XDRVoid()
        }
        table.on(Remote.NetworkUpdate.self, waits: true) { (args: NetworkUpdateArgs, ctx) in
            try checkFlags(args.flags, allowed: 3, "virNetworkUpdate")  // AFFECT_LIVE 1, AFFECT_CONFIG 2
            // libvirt's client sends the section in the .x `command` field and the command in `section` (a
            // historical swap kept for compatibility; virsh's "add ip-dhcp-host" arrives as command 4, section 3).
            try await ctx.networks.update(
                args.net.networkUUID(), command: args.section, section: args.command, parentIndex: args.parentIndex,
                xml: args.xml, flags: args.flags)
            return XDRVoid()
        }
    }
}

extension NetworkRoutes {
    /// virConnectNetworkEventRegisterAny / DeregisterAny; the events themselves are procedure 315 MESSAGEs.
    static func registerEvents(into table: inout RouteTable) {
        table.on(Remote.ConnectNetworkEventRegisterAny.self) { (args: ConnectNetworkEventRegisterAnyArgs, ctx) in
            guard args.eventID == NetworkEventHub.lifecycleID else {
                throw VirtError(.invalidArg, detail: "unsupported network event ID \(args.eventID)")
            }
            let uuid = try args.net?.networkUUID()
            if let uuid { _ = try await ctx.networks.record(uuid) }
            return ConnectNetworkEventRegisterAnyRet(
                callbackID: ctx.networks.events.register(session: ctx.session, network: uuid))
        }
        table.on(Remote.ConnectNetworkEventDeregisterAny.self) { (args: ConnectNetworkEventDeregisterAnyArgs, ctx) in
            guard ctx.networks.events.deregister(session: ctx.session, id: args.callbackID) else {
                throw VirtError(
                    .invalidArg, detail: "network event callback \(args.callbackID) is not registered")
            }
            return XDRVoid()
        }
    }
}

extension NetworkRecord {
    var wire: RemoteNonnullNetwork { RemoteNonnullNetwork(name: config.name, uuid: config.uuid.bytes) }
}

extension RemoteNonnullNetwork {
    func networkUUID() throws -> DomainUUID {
        guard let uuid = DomainUUID(bytes: uuid) else {
            throw DaemonError.invalidArgument("network '\(name)' has a malformed uuid")
        }
        return uuid
    }
}

extension CallContext {
    var networks: NetworkRegistry { driver.networks }
}
