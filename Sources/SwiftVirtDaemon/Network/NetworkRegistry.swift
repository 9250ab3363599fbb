import FoundationEssentials
import Glibc
import Logging
import SwiftVirtCore
import SwiftVirtSystem

/// What the daemon knows about one network.
struct NetworkRecord: Sendable {
    /// The persistent definition (for a transient network, the one it was created from). Its bridge name is
    /// always set (assigned at define time, like libvirt).
    var config: NetworkDefinition
    /// The definition the network runs with; nil while inactive.
    var live: NetworkDefinition?
    var persistent: Bool
    var autostart: Bool

    var isActive: Bool { live != nil }
    var bridge: String { (live ?? config).bridge?.name ?? "" }
}

/// The network driver: one actor owning every network record, its files and the host side (bridge, dnsmasq,
/// nftables). Host tools and file flushes run on the blocking executor; changes (define, start, update, taps...)
/// take `changes` so that they still happen one at a time across those awaits. Lookups do not wait for it.
actor NetworkRegistry {
    let store: NetworkStore
    let host: any NetworkHostBackend
    let logger: Logger
    let changes = AsyncJobLock()
    /// Lifecycle callbacks of connections; published to from inside the actor so events keep their order.
    nonisolated let events = NetworkEventHub()
    var records: [DomainUUID: NetworkRecord] = [:]
    /// Guests' ports (taps and macvtap devices) by device name: which network they are on, through which
    /// host interface; a restarted network takes its guests' taps back onto its new bridge.
    var ports: [String: GuestPort] = [:]
    /// Device names handed out but perhaps not yet created.
    var reservedTaps: Set<String> = []

    /// `host`: the real one unless given (libvirt's test driver gives `NoNetworkHost`).
    init(store: NetworkStore, logger: Logger, host: (any NetworkHostBackend)? = nil) {
        self.store = store
        self.host = host ?? NetworkHost(runDirectory: store.runDirectory)
        self.logger = logger
    }

    // MARK: lookup

    func all() -> [NetworkRecord] { records.values.sorted { $0.config.name < $1.config.name } }

    func record(_ uuid: DomainUUID) throws -> NetworkRecord {
        guard let r = records[uuid] else { throw NetworkError.noNetworkUUID(uuid) }
        return r
    }

    func record(named name: String) throws -> NetworkRecord {
        guard let r = records.values.first(where: { $0.config.name == name }) else {
            throw NetworkError.noNetworkNamed(name)
        }
        return r
    }

    // MARK: define / undefine

    /// Parses `xml` and checks it as libvirt's network driver does at define; a network that owns its bridge
    /// gets a free virbrN name when it names none (or a template's), and a MAC address.
    private func prepare(xml: String, replacing existing: DomainUUID?) throws -> NetworkDefinition {
        var n = try NetworkXML.parse(xml)
        try NetworkValidation.validate(n, isVirtualFunction: host.isVirtualFunction)
        if let same = records.values.first(where: { $0.config.name == n.name }), same.config.uuid != n.uuid {
            throw NetworkError.nameTaken(n.name, uuid: same.config.uuid)
        }
        if let other = records[n.uuid], other.config.name != n.name {
            throw NetworkError.uuidTaken(existingName: other.config.name, uuid: n.uuid)
        }
        let others = Set(
            records.values.filter { $0.config.name != n.name }.flatMap {
                [$0.config.bridge?.name, $0.live?.bridge?.name].compactMap { $0 }
            })
        try NetworkValidation.fillInDefine(
            &n, otherBridges: others, interfaceExists: host.interfaceExists, generateMAC: host.generatesBridgeMAC)
        return n
    }

    func define(xml: String) async throws -> NetworkRecord {
        try await changes.run { try await defineLocked(xml: xml) }
    }

    func defineLocked(xml: String) async throws -> NetworkRecord {
        let n = try prepare(xml: xml, replacing: nil)
        try await BlockingIO.run { [store] in try store.saveConfig(n) }
        var r = records[n.uuid] ?? NetworkRecord(config: n, live: nil, persistent: true, autostart: false)
        r.config = n
        r.persistent = true
        records[n.uuid] = r
        logger.info("defined network \(n.name)")
        events.publish(.defined, name: n.name, uuid: n.uuid)
        return r
    }

    func undefine(_ uuid: DomainUUID) async throws {
        try await changes.run {
            var r = try record(uuid)
            guard r.persistent else { throw NetworkError.transient(r.config.name, action: "undefine") }
            await BlockingIO.run { [store, name = r.config.name, live = r.live] in
                store.removeConfig(name)
                if let live { try? store.saveLive(live, persistent: false) }
            }
            if r.isActive {
                r.persistent = false
                r.autostart = false
                records[uuid] = r
            } else {
                records[uuid] = nil
            }
            logger.info("undefined network \(r.config.name)")
            events.publish(.undefined, name: r.config.name, uuid: uuid)
        }
    }

    func setAutostart(_ uuid: DomainUUID, _ on: Bool) async throws {
        try await changes.run { try await setAutostartLocked(uuid, on) }
    }

    func setAutostartLocked(_ uuid: DomainUUID, _ on: Bool) async throws {
        var r = try record(uuid)
        guard r.persistent else { throw NetworkError.transient(r.config.name, action: "set autostart for") }
        try await BlockingIO.run { [store, name = r.config.name] in try store.setAutostart(name, on) }
        r.autostart = on
        records[uuid] = r
    }

    // MARK: start / stop

    func createTransient(xml: String) async throws -> NetworkRecord {
        try await changes.run {
            let n = try prepare(xml: xml, replacing: nil)
            if let existing = records[n.uuid] {
                // libvirt runs a defined, inactive network with the given XML as its live definition.
                if existing.isActive { throw NetworkError.activeAs(existing.config.name) }
                return try await startLocked(n.uuid, live: n)
            }
            records[n.uuid] = NetworkRecord(config: n, live: nil, persistent: false, autostart: false)
            do { return try await startLocked(n.uuid) } catch {
                records[n.uuid] = nil
                throw error
            }
        }
    }

    @discardableResult
    func start(_ uuid: DomainUUID) async throws -> NetworkRecord {
        try await changes.run { try await startLocked(uuid) }
    }

    @discardableResult
    func startLocked(_ uuid: DomainUUID, live: NetworkDefinition? = nil) async throws -> NetworkRecord {
        var r = try record(uuid)
        if r.isActive { throw NetworkError.alreadyActive(r.config.name) }
        let n = live ?? r.config
        let bridge = n.bridge?.name ?? r.bridge
        if n.ownsBridge {
            if let other = records.values.first(where: { $0.isActive && $0.config.uuid != uuid && $0.bridge == bridge }) {
                throw NetworkError.conflict("bridge '\(bridge)' is used by network '\(other.config.name)'")
            }
            if let why = host.routeCollision(n, bridge: bridge) { throw NetworkError.conflict(why) }
        }
        let tapsToReattach = taps(of: n.name)
        let started = try await BlockingIO.run { [host, store, persistent = r.persistent] in
            let started = try host.start(n, bridge: bridge)
            do { try store.saveLive(started, persistent: persistent) } catch {
                host.stop(started, bridge: bridge)
                throw error
            }
            if started.ownsBridge { host.reattachTaps(tapsToReattach, bridge: bridge) }
            return started
        }
        r.live = started
        records[uuid] = r
        logger.info("started network \(n.name) on bridge \(bridge)")
        events.publish(.started, name: n.name, uuid: uuid)
        return r
    }

    func destroy(_ uuid: DomainUUID) async throws {
        try await changes.run {
            let r = try record(uuid)
            guard let live = r.live else { throw NetworkError.notActive(r.config.name) }
            await BlockingIO.run { [host, store, bridge = r.bridge] in
                host.stop(live, bridge: bridge)
                store.removeLive(live.name)
            }
            if r.persistent {
                records[uuid]?.live = nil
            } else {
                records[uuid] = nil
            }
            logger.info("stopped network \(live.name)")
            events.publish(.stopped, name: live.name, uuid: uuid)
        }
    }

    // MARK: XML, update, leases

    func xml(_ uuid: DomainUUID, inactive: Bool) throws -> String {
        let r = try record(uuid)
        if inactive || r.live == nil { return NetworkXML.format(r.config) }
        return NetworkXML.format(r.live ?? r.config, connections: connections(of: r.config.name))
    }

    /// Guests on a network, in all and per pool interface (the live XML's `connections`).
    func connections(of network: String) -> NetworkConnections {
        var c = NetworkConnections()
        for p in ports.values where p.network == network {
            c.total += 1
            if let link = p.link { c.perInterface[link, default: 0] += 1 }
        }
        return c
    }

    /// The taps of a network's guests (macvtap devices do not hang off its bridge).
    func taps(of network: String) -> Set<String> {
        Set(ports.values.filter { $0.network == network && $0.link == nil }.map(\.device))
    }

    /// net-update: DHCP hosts and ranges, DNS hosts, TXT and SRV records, portgroups and the forward interface
    /// pool, in the live and/or persistent definition. A live change of what dnsmasq serves restarts it with the
    /// new files; a portgroup change applies to guests that start afterwards.
    func update(_ uuid: DomainUUID, command: UInt32, section: UInt32, parentIndex: Int32, xml: String, flags: UInt32)
        async throws
    {
        try await changes.run {
            var r = try record(uuid)
            let change = try NetworkUpdate(
                command: command, section: section, parentIndex: parentIndex, xml: xml, networkName: r.config.name)
            // AFFECT_CURRENT 0, LIVE 1, CONFIG 2: "current" is live when running, else config.
            let live = flags & 1 != 0 || (flags & 3 == 0 && r.isActive)
            let config = flags & 2 != 0 || (flags & 3 == 0 && !r.isActive)
            if live && !r.isActive { throw NetworkError.notActive(r.config.name) }
            if config && !r.persistent { throw NetworkError.transient(r.config.name, action: "update the config of") }
            var newConfig = r.config
            var newLive = r.live
            let used = connections(of: r.config.name).perInterface
            if config { try change.apply(to: &newConfig) }
            if live, var l = newLive {
                try change.apply(to: &l, connections: used)
                newLive = l
            }
            let dnsmasq = change.section.servedByDnsmasq
            try await BlockingIO.run { [host, store, persistent = r.persistent, bridge = r.bridge, newConfig, newLive] in
                if config { try store.saveConfig(newConfig) }
                if live, let l = newLive {
                    try store.saveLive(l, persistent: persistent)
                    if dnsmasq && l.ownsBridge && !l.ips.isEmpty { try host.restartDnsmasq(l, bridge: bridge) }
                }
            }
            r.config = newConfig
            r.live = newLive
            records[uuid] = r
        }
    }

    func leases(_ uuid: DomainUUID, mac: String?) throws -> [(NetworkHostConfig.Lease, prefix: Int, bridge: String)] {
        let r = try record(uuid)
        guard let live = r.live else { throw NetworkError.notActive(r.config.name) }
        let now = Int64(Date().timeIntervalSince1970)
        return try host.leases(live.name).compactMap { lease in
            if let mac, lease.mac?.lowercased() != mac.lowercased() { return nil }
            if lease.expiry != 0 && lease.expiry < now { return nil }
            let prefix = live.ips.first { $0.subnet.contains(lease.ip) }?.prefix ?? 24
            return (lease, prefix, r.bridge)
        }
    }

    // MARK: domains' interfaces

    /// Gives a guest interface with MAC `mac` a port on the running network `name` (a tap on its bridge or a
    /// macvtap device on a pool interface), named `requested` unless that is one of the generated names.
    func plugGuest(network name: String, mac: MACAddress?, requested: String?, portGroup: String?) async throws
        -> String
    {
        try await changes.run {
            let r = try record(named: name)
            guard let live = r.live else { throw NetworkError.notActive(name) }
            let links = connections(of: name).perInterface
            var plan = try NetworkPortAllocation.plan(
                live, bridge: r.bridge, portGroup: portGroup, mac: mac, connections: links)
            return try await createPort(&plan, requested: requested)
        }
    }

    /// A tap on the host bridge `bridge` for `<interface type='bridge'>`.
    func plugBridge(_ bridge: String, mac: MACAddress?, requested: String?) async throws -> String {
        try await changes.run {
            guard host.interfaceExists(bridge) else { throw NetworkError.noHostBridge(bridge) }
            var plan = GuestPortPlan(attachment: .tap(bridge: bridge))
            plan.mac = mac
            return try await createPort(&plan, requested: requested)
        }
    }

    /// `<interface type='direct'>`: a macvtap device on host interface `link`.
    func plugDirect(link: String, mode: String, mac: MACAddress?, requested: String?) async throws -> String {
        try await changes.run {
            guard host.interfaceExists(link) else { throw NetworkError.noHostInterface(link) }
            var plan = GuestPortPlan(attachment: .macvtap(link: link, mode: mode))
            plan.mac = mac
            return try await createPort(&plan, requested: requested)
        }
    }

    /// `<interface type='ethernet'>`: a tap on no bridge, named as the definition asks or `vnetN`.
    func plugEthernet(mac: MACAddress?, requested: String?) async throws -> String {
        try await changes.run {
            var plan = GuestPortPlan(attachment: .unattachedTap)
            plan.mac = mac
            return try await createPort(&plan, requested: requested)
        }
    }

    private func createPort(_ plan: inout GuestPortPlan, requested: String?) async throws -> String {
        let prefix = plan.link == nil ? "vnet" : "macvtap"
        let name: String
        if let requested, !requested.hasPrefix("vnet"), !requested.hasPrefix("macvtap") {
            name = requested
        } else {
            var i = 0
            while reservedTaps.contains("\(prefix)\(i)") || host.interfaceExists("\(prefix)\(i)") { i += 1 }
            name = "\(prefix)\(i)"
        }
        plan.device = name
        reservedTaps.insert(name)
        do {
            try await BlockingIO.run { [host, plan] in try host.createPort(plan) }
        } catch {
            reservedTaps.remove(name)
            throw error
        }
        ports[name] = GuestPort(device: name, network: plan.network, link: plan.link, passthrough: plan.isPassthrough)
        if let network = plan.network { logger.info("guest port \(name) on network \(network)") }
        return name
    }

    /// update-device of a running guest's NIC to another network or host bridge (libvirt's
    /// qemuDomainChangeNetBridge): its tap moves to the new bridge, and counts for the new network. A network
    /// whose guests get macvtap devices cannot take a tap (libvirt would need to reconnect the NIC).
    func moveTap(_ tap: String, network: String?, bridge: String?) async throws {
        try await changes.run {
            var target = bridge ?? ""
            if let network {
                let r = try record(named: network)
                guard let live = r.live else { throw NetworkError.notActive(network) }
                guard live.ownsBridge || (live.mode == .bridge && live.bridge?.name != nil) else {
                    throw VirtError(.operationUnsupported, detail: "unable to change config on 'network' network type")
                }
                target = r.bridge
            }
            guard host.interfaceExists(target) else {
                throw VirtError(.operationFailed, detail: "bridge \(target) doesn't exist")
            }
            try await BlockingIO.run { [host, target] in try host.moveTap(tap, to: target) }
            ports[tap]?.network = network
        }
    }

    func unplugTap(_ name: String) async {
        // A clean-up: it must happen even when the caller's task is cancelled (its wait for the lock would throw),
        // so it waits in a task of its own.
        await Task {
            try? await changes.run {
                let port = ports[name]
                await BlockingIO.run { [host] in
                    host.deletePort(name, passthroughLink: port?.passthrough == true ? port?.link : nil)
                }
                reservedTaps.remove(name)
                ports[name] = nil
            }
        }.value
    }

    /// A restarted daemon learns the ports of guests that kept running.
    func adoptTap(_ name: String, network: String?) {
        reservedTaps.insert(name)
        let link = host.macvtapLink(name)
        let passthrough =
            link != nil && network.flatMap { n in records.values.first { $0.config.name == n }?.live?.mode }
            == .passthrough
        ports[name] = GuestPort(device: name, network: network, link: link, passthrough: passthrough)
    }
}

/// A guest's device on a network (or on a host bridge, with no network).
struct GuestPort: Sendable {
    var device: String
    var network: String?
    /// The host interface under a macvtap device.
    var link: String?
    /// A macvtap passthrough port (the host interface carries the guest's MAC until it goes).
    var passthrough: Bool
}
