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
    /// Guest taps per network name, so a restarted network takes its guests' taps back onto the new bridge.
    var taps: [String: Set<String>] = [:]
    /// Tap names handed out but perhaps not yet created.
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

    /// Parses `xml`, assigns a bridge name when absent, checks it against the other networks.
    private func prepare(xml: String, replacing existing: DomainUUID?) throws -> NetworkDefinition {
        var n = try NetworkXML.parse(xml)
        if let same = records.values.first(where: { $0.config.name == n.name }), same.config.uuid != n.uuid {
            throw NetworkError.nameTaken(n.name, uuid: same.config.uuid)
        }
        if let other = records[n.uuid], other.config.name != n.name {
            throw NetworkError.uuidTaken(existingName: other.config.name, uuid: n.uuid)
        }
        if n.ownsBridge {
            // As libvirt: a bridge the network makes gets a free virbrN name, STP on and no forward delay.
            var b = n.bridge ?? NetworkBridge()
            if b.name == nil { b.name = freeBridgeName(previous: records[n.uuid]?.config.bridge?.name) }
            if b.stp == nil { b.stp = true }
            if b.delay == nil { b.delay = 0 }
            n.bridge = b
        }
        for other in records.values where other.config.uuid != n.uuid {
            if let why = NetworkValidation.conflict(n, with: other.live ?? other.config) {
                throw NetworkError.conflict(why)
            }
        }
        return n
    }

    private func freeBridgeName(previous: String?) -> String {
        if let previous { return previous }
        let used = Set(records.values.compactMap { $0.config.bridge?.name })
        var i = 0
        while used.contains("virbr\(i)") || host.interfaceExists("virbr\(i)") { i += 1 }
        return "virbr\(i)"
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
        for other in records.values where other.isActive && other.config.uuid != uuid {
            if let why = NetworkValidation.conflict(n, with: other.live ?? other.config) {
                throw NetworkError.conflict(why)
            }
        }
        let bridge = n.bridge?.name ?? r.bridge
        if n.ownsBridge, let why = host.routeCollision(n, bridge: bridge) {
            throw NetworkError.conflict(why)
        }
        let tapsToReattach = taps[n.name] ?? []
        try await BlockingIO.run { [host, store, persistent = r.persistent] in
            try host.start(n, bridge: bridge)
            do { try store.saveLive(n, persistent: persistent) } catch {
                host.stop(n, bridge: bridge)
                throw error
            }
            host.reattachTaps(tapsToReattach, bridge: bridge)
        }
        r.live = n
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
        return NetworkXML.format(inactive ? r.config : (r.live ?? r.config))
    }

    /// net-update: ip-dhcp-host, ip-dhcp-range and dns-host, in the live and/or persistent definition. A live
    /// change restarts the network's dnsmasq with the new files.
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
            if config { try change.apply(to: &newConfig) }
            if live, var l = newLive {
                try change.apply(to: &l)
                newLive = l
            }
            try await BlockingIO.run { [host, store, persistent = r.persistent, bridge = r.bridge, newConfig, newLive] in
                if config { try store.saveConfig(newConfig) }
                if live, let l = newLive {
                    try store.saveLive(l, persistent: persistent)
                    if l.ownsBridge { try host.restartDnsmasq(l, bridge: bridge) }
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

    /// The bridge a guest interface plugs into: a running network's bridge, or a host bridge by name.
    func bridge(forNetwork name: String) throws -> (bridge: String, mtu: Int?) {
        let r = try record(named: name)
        guard let live = r.live else { throw NetworkError.notActive(name) }
        return (r.bridge, live.mtu)
    }

    /// Creates a tap on `bridge` for a guest and remembers it under `network` (nil for type='bridge').
    func plugTap(requested: String?, bridge: String, mtu: Int?, network: String?) async throws -> String {
        try await changes.run {
            let name: String
            if let requested, !requested.hasPrefix("vnet") {
                name = requested
            } else {
                var i = 0
                while reservedTaps.contains("vnet\(i)") || host.interfaceExists("vnet\(i)") { i += 1 }
                name = "vnet\(i)"
            }
            reservedTaps.insert(name)
            do { try await BlockingIO.run { [host] in try host.createTap(name, bridge: bridge, mtu: mtu) } } catch {
                reservedTaps.remove(name)
                throw error
            }
            if let network { taps[network, default: []].insert(name) }
            return name
        }
    }

    func unplugTap(_ name: String) async {
        // A clean-up: it must happen even when the caller's task is cancelled (its wait for the lock would throw),
        // so it waits in a task of its own.
        await Task {
            try? await changes.run {
                await BlockingIO.run { [host] in host.deleteTap(name) }
                reservedTaps.remove(name)
                for key in taps.keys { taps[key]?.remove(name) }
            }
        }.value
    }

    /// A restarted daemon learns the taps of guests that kept running.
    func adoptTap(_ name: String, network: String?) {
        reservedTaps.insert(name)
        if let network { taps[network, default: []].insert(name) }
    }
}
