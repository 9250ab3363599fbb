import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// The host side of a running network: its bridge, dnsmasq and nftables table. `start` undoes what it did when
/// any step fails; `stop` removes everything `start` made. Blocking (they run ip, nft and dnsmasq and wait for
/// dnsmasq to go): `start`, `stop`, `restartDnsmasq`, `createTap`, `deleteTap` and `reattachTaps` run inside
/// `BlockingIO.run`.
struct NetworkHost: Sendable {
    let runDirectory: String

    func dnsmasqPaths(_ name: String) -> NetworkHostConfig.DnsmasqPaths {
        NetworkHostConfig.DnsmasqPaths(directory: runDirectory, name: name)
    }

    /// Brings the network up: for one that owns its bridge, the bridge (addresses, STP, IPv6 settings), its
    /// nftables tables, static routes, forwarding, dnsmasq and bandwidth, in libvirt's order, undone when a step
    /// fails; for a bridge-mode network, the host bridge's settings; macvtap networks need nothing until a guest
    /// comes. Returns the live definition (see `NetworkHostBackend.start`).
    func start(_ n: NetworkDefinition, bridge: String) throws -> NetworkDefinition {
        let live = try prepareLive(n)
        guard live.ownsBridge else {
            if live.mode == .bridge, let host = live.bridge?.name {
                guard HostCommand.interfaceExists(host) else { throw NetworkError.noHostBridge(host) }
                try configureBridge(live, bridge: host)
            }
            return live
        }
        var undo: [() -> Void] = []
        do {
            if HostCommand.interfaceExists(bridge) { throw NetworkError.bridgeInUse(bridge) }
            try createBridge(live, bridge: bridge)
            undo.append { HostCommand.attempt(["ip", "link", "del", bridge]) }
            let table = NetworkHostConfig.nftTable(bridge: bridge)
            for (family, rules) in [
                ("ip", NetworkHostConfig.nftRuleset(live, bridge: bridge)),
                ("ip6", NetworkHostConfig.nftRuleset6(live, bridge: bridge)),
            ] {
                guard let rules else { continue }
                HostCommand.attempt(["nft", "delete", "table", family, table])  // leftover of a crashed daemon
                try HostCommand.run(["nft", "-f", "-"], input: rules)
                undo.append { HostCommand.attempt(["nft", "delete", "table", family, table]) }
            }
            try addAddresses(live, bridge: bridge)
            try configureBridge(live, bridge: bridge)
            try HostCommand.run(["ip", "link", "set", "dev", bridge, "up"])
            for r in live.routes {
                // As libvirt: a route that cannot be added is logged by the tool and otherwise ignored.
                var argv = ["ip"] + (r.address.isIPv4 ? [] : ["-6"])
                argv += ["route", "add", "\(r.address)/\(r.prefixLength)", "via", "\(r.gateway)", "dev", bridge]
                HostCommand.attempt(argv + (r.metric.map { ["metric", String($0)] } ?? []))
            }
            if live.needsIPForwarding {
                if live.ips.contains(where: \.address.isIPv4) { try enableForwarding("/proc/sys/net/ipv4/ip_forward") }
                if live.ips.contains(where: { !$0.address.isIPv4 }) {
                    try enableForwarding("/proc/sys/net/ipv6/conf/all/forwarding")
                }
            }
            if !live.ips.isEmpty {
                try startDnsmasq(live, bridge: bridge)
                undo.append { self.stopDnsmasq(live.name) }
            }
            if let b = live.bandwidth {
                try applyBandwidth(b, device: bridge, hierarchical: true, swapped: true, element: "network/bandwidth")
            }
        } catch {
            for step in undo.reversed() { step() }
            throw error
        }
        return live
    }

    func stop(_ n: NetworkDefinition, bridge: String) {
        if !n.ownsBridge {
            if n.bandwidth != nil, let host = n.bridge?.name { clearBandwidth(host) }
            return
        }
        stopDnsmasq(n.name)
        for family in ["ip", "ip6"] {
            HostCommand.attempt(["nft", "delete", "table", family, NetworkHostConfig.nftTable(bridge: bridge)])
        }
        HostCommand.attempt(["ip", "link", "del", bridge])
        let p = dnsmasqPaths(n.name)
        for f in [p.config, p.hostsFile, p.addnHosts, p.pidFile] { AtomicFile.remove(f) }
    }

    private func createBridge(_ n: NetworkDefinition, bridge: String) throws {
        var add = ["ip", "link", "add", bridge]
        if let mtu = n.mtu { add += ["mtu", String(mtu)] }
        if let mac = n.mac { add += ["address", mac.description] }
        add += ["type", "bridge", "stp_state", n.bridge?.stp == false ? "0" : "1"]
        // Kernel bridge delays are in centiseconds; libvirt's <bridge delay> is seconds. 0 means forward at once.
        add += ["forward_delay", String((n.bridge?.delay ?? 0) * 100)]
        try HostCommand.run(add)
        // As libvirt: IPv6 off on a bridge without an IPv6 address, and never router advertisements from guests.
        let ipv6 = n.ips.contains { !$0.address.isIPv4 }
        let conf = "/proc/sys/net/ipv6/conf/\(bridge)"
        if FileManager.default.fileExists(atPath: conf) {
            for (key, value) in [("disable_ipv6", ipv6 ? "0" : "1"), ("accept_ra", "0"), ("autoconf", "0")] {
                try? "\(value)\n".write(toFile: "\(conf)/\(key)", atomically: false, encoding: .utf8)
            }
        }
    }

    private func addAddresses(_ n: NetworkDefinition, bridge: String) throws {
        for ip in n.ips {
            try HostCommand.run(
                ["ip"] + (ip.address.isIPv4 ? [] : ["-6"]) + ["addr", "add", "\(ip.address)/\(ip.prefix)", "dev", bridge])
        }
    }

    /// `macTableManager='libvirt'`: VLAN filtering on the bridge (so it need not be promiscuous; a kernel without
    /// VLAN filtering keeps it promiscuous, which guests cannot tell), the guests' ports managed by hand.
    private func configureBridge(_ n: NetworkDefinition, bridge: String) throws {
        guard n.bridge?.macTableManager == .libvirt else { return }
        do {
            try HostCommand.run(["ip", "link", "set", "dev", bridge, "type", "bridge", "vlan_filtering", "1"])
        } catch let e as HostCommandError where e.output.contains("not supported") {
            // CONFIG_BRIDGE_VLAN_FILTERING is off: the FDB is still managed per port (see createPort).
        }
    }

    /// Turns a forwarding sysctl on (left on at stop, as libvirt does: other users may rely on it).
    private func enableForwarding(_ path: String) throws {
        let current = readProcFile(path)?.trimmingWhitespace()
        if current == "1" { return }
        do { try "1\n".write(toFile: path, atomically: false, encoding: .utf8) } catch {
            throw HostCommandError(argv: ["write", path], status: -1, output: "\(error)")
        }
    }

    private func startDnsmasq(_ n: NetworkDefinition, bridge: String) throws {
        let p = dnsmasqPaths(n.name)
        try AtomicFile.write(NetworkHostConfig.dhcpHostsFile(n), to: p.hostsFile, mode: 0o644)
        try AtomicFile.write(NetworkHostConfig.addnHosts(n), to: p.addnHosts, mode: 0o644)
        try AtomicFile.write(NetworkHostConfig.dnsmasqConfig(n, bridge: bridge, paths: p), to: p.config, mode: 0o644)
        if !FileManager.default.fileExists(atPath: p.leaseFile) {
            try AtomicFile.write("", to: p.leaseFile, mode: 0o644)
        }
        // dnsmasq daemonizes once its sockets are bound and the pid file is written, so errors surface here.
        try HostCommand.run(["dnsmasq", "--conf-file=\(p.config)"])
    }

    /// The pid of this network's dnsmasq, only if that process is really ours (its command line names our config).
    func dnsmasqPid(_ name: String) -> Int32? {
        let p = dnsmasqPaths(name)
        guard let text = try? String(contentsOfFile: p.pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingWhitespace()), pid > 0,
            Self.commandLine(of: pid)?.contains("--conf-file=\(p.config)") == true
        else { return nil }
        return pid
    }

    /// Every live process started with this network's config: the pid file names only the main dnsmasq, and it
    /// may be missing or stale after a crash, while forked children (TCP DNS) also hold the listening sockets.
    func dnsmasqProcesses(_ name: String) -> [Int32] {
        let marker = "--conf-file=\(dnsmasqPaths(name).config)"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let argv = Self.commandLine(of: pid) else { return false }
            return argv.split(separator: "\0").contains { $0 == marker } && Self.isAlive(pid)
        }
    }

    /// Stops this network's dnsmasq and returns only once its sockets are released, so that a new dnsmasq can
    /// bind the same addresses straight away (net-update restarts it). Returns the pids that survived SIGKILL.
    @discardableResult
    func stopDnsmasq(_ name: String) -> [Int32] {
        let pids = Set(dnsmasqProcesses(name) + (dnsmasqPid(name).map { [$0] } ?? []))
        guard !pids.isEmpty else { return [] }
        for pid in pids { kill(pid, SIGTERM) }
        if waitUntilGone(pids, attempts: 250) { return [] }
        for pid in pids where Self.isAlive(pid) { kill(pid, SIGKILL) }
        _ = waitUntilGone(pids, attempts: 250)
        return pids.filter(Self.isAlive).sorted()
    }

    /// Polls every 20 ms; dnsmasq is not our child (it daemonized), so it cannot be waited for.
    private func waitUntilGone(_ pids: Set<Int32>, attempts: Int) -> Bool {
        for _ in 0..<attempts {
            if !pids.contains(where: Self.isAlive) { return true }
            usleep(20_000)
        }
        return !pids.contains(where: Self.isAlive)
    }

    /// A zombie has already closed its files and sockets; only its parent's reaping is left.
    private static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = readProcFile("/proc/\(pid)/stat"), !stat.isEmpty,
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].drop(while: { $0 == " " }).first
        return state != "Z" && state != "X"
    }

    private static func commandLine(of pid: Int32) -> String? {
        readProcFile("/proc/\(pid)/cmdline")
    }

    /// Applies a changed host list, DNS host or range to a running network by restarting its dnsmasq with
    /// rewritten files (the lease file is kept). A SIGHUP re-read of dhcp-hostsfile did not take effect with
    /// Debian 12's dnsmasq 2.89 in testing, and ranges are only read at start.
    func restartDnsmasq(_ n: NetworkDefinition, bridge: String) throws {
        let survivors = stopDnsmasq(n.name)
        guard survivors.isEmpty else {
            throw NetworkError.conflict(
                "dnsmasq of network '\(n.name)' (pids \(survivors)) did not exit, so it cannot be restarted")
        }
        try startDnsmasq(n, bridge: bridge)
    }

    func leases(_ name: String) -> [NetworkHostConfig.Lease] {
        NetworkHostConfig.parseLeases(
            (try? String(contentsOfFile: dnsmasqPaths(name).leaseFile, encoding: .utf8)) ?? "")
    }

    /// A host route: its destination subnet and the interface it goes through.
    struct HostRoute: Sendable {
        var subnet: IPSubnet
        var interface: String
    }

    /// Host routes (IPv4, from /proc/net/route) that a new subnet must not collide with; default routes
    /// (mask 0) are left out since every subnet lies inside them.
    static func hostRoutes() -> [HostRoute] {
        guard let text = readProcFile("/proc/net/route") else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard f.count >= 8, let dst = UInt32(f[1], radix: 16), let mask = UInt32(f[7], radix: 16), mask != 0
            else { return nil }
            // The file prints addresses in host (little-endian) byte order.
            let bytes = { (v: UInt32) in [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
            }
            guard let a = IPAddress(bytes: bytes(dst)), let m = IPAddress(bytes: bytes(mask)),
                let prefix = IPAddress.prefixLength(ofNetmask: m.description)
            else { return nil }
            return HostRoute(subnet: IPSubnet(address: a, prefix: prefix), interface: String(f[0]))
        }
    }

    /// Complete IPv4 neighbour entries of the daemon's namespace (/proc/net/arp: ip, hw type, flags, mac, ...).
    static func arpTable() -> [(ip: String, mac: String)] {
        guard let text = readProcFile("/proc/net/arp") else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            // Flags 0x2 (ATF_COM): the entry is resolved; incomplete ones carry 00:00:00:00:00:00.
            guard f.count >= 6, let flags = UInt32(f[2].dropFirst(2), radix: 16), flags & 0x2 != 0 else { return nil }
            return (String(f[0]), f[3].lowercased())
        }
    }

    /// Host IPv6 routes (/proc/net/ipv6_route: dest, prefix length in hex, ..., interface last), without the
    /// default route, loopback, multicast and link-local ones that every interface has.
    static func hostRoutes6() -> [HostRoute] {
        guard let text = readProcFile("/proc/net/ipv6_route") else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard f.count >= 10, f[0].count == 32, let prefix = Int(f[1], radix: 16), prefix > 0, f[9] != "lo"
            else { return nil }
            let hex = Array(f[0])
            let bytes = stride(from: 0, to: 32, by: 2).compactMap { UInt8(String(hex[$0..<$0 + 2]), radix: 16) }
            guard let a = IPAddress(bytes: bytes), bytes[0] != 0xFF, !(bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80)
            else { return nil }
            return HostRoute(subnet: IPSubnet(address: a, prefix: prefix), interface: String(f[9]))
        }
    }

    /// The first host route that a subnet of `n` collides with, other than routes on `bridge` itself
    /// (a running network's own), as "what collides with what" text; nil when the network is free to start.
    static func routeCollision(_ n: NetworkDefinition, bridge: String) -> String? {
        let routes = (hostRoutes() + hostRoutes6()).filter { $0.interface != bridge }
        for ip in n.ips {
            if let hit = routes.first(where: { $0.subnet.overlaps(ip.subnet) }) {
                return "Network is already in use by interface \(hit.interface): subnet \(ip.subnet) of network "
                    + "'\(n.name)' collides with the host route \(hit.subnet) dev \(hit.interface)"
            }
        }
        return nil
    }
}

/// A /proc file's text. They report size 0, so they are read to EOF rather than by size.
func readProcFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { break }
        bytes += chunk[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}
