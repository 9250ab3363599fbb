import FoundationEssentials
import SwiftVirtCore
import SwiftVirtSystem

extension NetworkRegistry {
    /// Re-reads the store. Networks that were running keep running (bridge and dnsmasq were left alone); a
    /// dnsmasq that died meanwhile is started again.
    func restore(createDefault: Bool) async {
        // Runs before the sockets open; the lock still keeps the rule (changes one at a time) plain.
        try? await changes.run {
            for loaded in store.load(problem: { logger.error("skipping network file \($0)") }) {
                if let r = await restored(loaded) { records[r.config.uuid] = r }
            }
            if createDefault && !FileManager.default.fileExists(atPath: store.defaultMarker) {
                await createDefaultNetwork()
            }
        }
    }

    /// The record of a network found on disk, with its host side checked; nil when nothing of it is left.
    private func restored(_ loaded: NetworkStore.Loaded) async -> NetworkRecord? {
        var r = NetworkRecord(config: loaded.config, live: nil, persistent: loaded.persistent, autostart: loaded.autostart)
        guard let live = loaded.live else { return r }
        if !live.ownsBridge {
            // Bridge-mode, macvtap and hostdev networks have nothing of their own on the host to check (libvirt
            // keeps them active too); their guests' ports come back with the guests.
            r.live = live
            return r
        }
        let bridge = live.bridge?.name ?? ""
        if !bridge.isEmpty && host.interfaceExists(bridge) {
            r.live = live
            if live.ownsBridge && !live.ips.isEmpty && host.dnsmasqPid(live.name) == nil {
                logger.warning("dnsmasq of network \(live.name) is gone; restarting it")
                do {
                    try await BlockingIO.run { [host] in
                        host.stop(live, bridge: bridge)
                        _ = try host.start(live, bridge: bridge)
                    }
                } catch {
                    logger.error("cannot restart network \(live.name): \(error)")
                    r.live = nil
                }
            }
        } else {
            logger.warning("network \(live.name) lost its bridge while the daemon was down; marking it inactive")
            await BlockingIO.run { [host] in host.stop(live, bridge: bridge) }
        }
        if r.live == nil { await BlockingIO.run { [store] in store.removeLive(live.name) } }
        return r.live == nil && !r.persistent ? nil : r
    }

    /// libvirt's `default`: NAT on 192.168.122.0/24. Autostarted only when no host route already covers it.
    private func createDefaultNetwork() async {
        guard (try? record(named: "default")) == nil else { return await markDefaultCreated() }
        let xml = """
            <network>
              <name>default</name>
              <forward mode='nat'/>
              <bridge stp='on' delay='0'/>
              <ip address='192.168.122.1' netmask='255.255.255.0'>
                <dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp>
              </ip>
            </network>
            """
        do {
            let r = try await defineLocked(xml: xml)
            if let why = host.routeCollision(r.config, bridge: r.bridge) {
                logger.warning("default network defined but not autostarted: \(why)")
            } else {
                try await setAutostartLocked(r.config.uuid, true)
            }
        } catch {
            logger.error("cannot define the default network: \(error)")
        }
        await markDefaultCreated()
    }

    private func markDefaultCreated() async {
        await BlockingIO.run { [store] in try? AtomicFile.write("", to: store.defaultMarker) }
    }

    func autostartAll() async {
        for r in records.values where r.autostart && !r.isActive {
            do { try await start(r.config.uuid) } catch {
                logger.error("cannot autostart network \(r.config.name): \(error)")
            }
        }
    }
}
