import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// libvirt's statistics of a running QEMU guest: the process's and its vCPU threads' figures from /proc, the
/// taps' counters from /proc/net/dev, and what QMP says of block devices, the balloon, iothreads and dirty rate.
/// Monitor queries run under the domain's job, as libvirt's QUERY jobs do.
extension QEMUDomain: DomainStatistics {
    public nonisolated var supportedStatsGroups: [DomainStatsGroup] {
        [.state, .cpuTotal, .balloon, .vcpu, .interface, .block, .perf, .iothread, .memory, .dirtyRate, .vm]
    }

    public func statistics(_ group: DomainStatsGroup, backing: Bool) async -> [TypedStat] {
        switch group {
        case .cpuTotal: return await cpuTotalStats()
        case .balloon: return await balloonStats()
        case .vcpu: return await vcpuStats()
        case .interface: return interfaceStats()
        case .block: return await blockStats()
        case .iothread: return (try? await query("query-iothreads")).map(IOThreadStats.entries) ?? []
        case .dirtyRate: return (try? await query("query-dirty-rate")).map(DirtyRateStats.entries) ?? []
        case .vm:
            guard let results = await queryStats(target: "vm"), results.stats.count == 1 else { return [] }
            return QueryStatsFigures.entries(results.stats[0], schema: results.schema, prefix: "vm")
        // perf events and memory bandwidth monitors are never enabled here; `state` is the daemon's.
        case .state, .perf, .memory: return []
        }
    }

    public func blockIO(disk: String) async throws -> BlockIOTotals {
        try requireAlive()
        var nodes: [String] = []
        let disks = liveDevices.disks
        let formats = await formatNodes(of: disks)
        if disk.isEmpty {
            nodes = formats.compactMap { $0 }
        } else {
            guard let i = disks.firstIndex(where: { $0.targetDev == disk || $0.sourcePath == disk })
            else { throw VirtError(.invalidArg, domain: .qemu, detail: "invalid path: \(disk)") }
            // A drive without a medium has done no I/O.
            guard let node = formats[i] else { return BlockIOTotals() }
            nodes = [node]
        }
        let figures = QMPBlockFigures(blockstats: try await query("query-blockstats"), nodeStats: nil, namedNodes: nil)
        return try nodes.reduce(BlockIOTotals()) { sum, node in
            guard let io = figures.frontends[node] else {
                throw VirtError(.internalError, domain: .qemu, detail: "cannot find statistics for device '\(node)'")
            }
            return sum + io
        }
    }

    public func interfaceCounters(_ device: String) async throws -> InterfaceCounters {
        try requireAlive()
        let nics = liveDevices.interfaces
        let nic =
            if let mac = MACAddress(string: device) { nics.first { $0.mac == mac } } else {
                nics.first { $0.targetDev == device }
            }
        guard let nic, let tap = nic.targetDev else {
            throw VirtError(.invalidArg, domain: .qemu, detail: "'\(device)' is not a known interface")
        }
        guard let counters = Self.tapCounters(tap, of: nic) else {
            throw VirtError(.internalError, domain: .qemu, detail: "/proc/net/dev: Interface not found")
        }
        return counters
    }

    public func memoryStats() async throws -> [(tag: MemoryStatTag, value: UInt64)] {
        try await job.run {
            try requireAlive()
            var out: [(tag: MemoryStatTag, value: UInt64)] = []
            if let balloon = balloonPath {
                if let actual = try? await qmp.execute("query-balloon")["actual"]?.unsignedValue {
                    out.append((.actualBalloon, actual / 1024))
                }
                let reply = try? await qmp.execute(
                    "qom-get", arguments: ["path": .string(balloon), "property": .string("guest-stats")])
                out += reply.map(BalloonGuestStats.entries) ?? []
            }
            if let stat = processStat() {
                out.append((.rss, stat.residentPages * UInt64(max(1, sysconf(Int32(_SC_PAGESIZE)))) / 1024))
            }
            return out
        }
    }

    public func setMemoryStatsPeriod(_ seconds: Int32) async throws {
        try await job.run {
            try requireAlive()
            guard let balloon = balloonPath else { throw VirtError.noMemoryBalloon }
            do {
                _ = try await qmp.execute("qom-set", arguments: Self.pollingInterval(balloon, seconds))
            } catch {
                throw VirtError(
                    .operationInvalid, domain: .qemu, detail: "unable to set balloon driver collection period",
                    cause: error)
            }
        }
    }

    public func cpuTimes() async throws -> (total: UInt64, user: UInt64, system: UInt64) {
        try requireAlive()
        guard let stat = processStat() else {
            throw VirtError(.operationFailed, domain: .qemu, detail: "unable to get cpu account")
        }
        let (user, system) = stat.nanoseconds(ticksPerSecond: Self.clockTicks)
        return (user + system, user, system)
    }

    /// Without a cpuacct cgroup per domain, each thread's time is counted on the host CPU it last ran on.
    public func perHostCPUTimes() async throws -> (all: [UInt64], vcpus: [UInt64]) {
        try requireAlive()
        let count = max(1, sysconf(Int32(_SC_NPROCESSORS_CONF)))
        var all = [UInt64](repeating: 0, count: count)
        var vcpus = all
        let vcpuThreads = Set((try? await vcpuThreads())?.values.map(\.tid) ?? [])
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.pid)/task")) ?? []
        for task in tasks {
            guard let tid = Int64(task), let stat = Self.stat("/proc/\(process.pid)/task/\(task)/stat") else { continue }
            let (user, system) = stat.nanoseconds(ticksPerSecond: Self.clockTicks)
            let cpu = min(max(0, stat.processor), count - 1)
            all[cpu] += user + system
            if vcpuThreads.contains(tid) { vcpus[cpu] += user + system }
        }
        return (all, vcpus)
    }

    // MARK: Groups

    private func cpuTotalStats() async -> [TypedStat] {
        var out: [TypedStat] = []
        if let (total, user, system) = try? await cpuTimes() {
            out += [TypedStat("cpu.time", .ullong(total)), TypedStat("cpu.user", .ullong(user)),
                TypedStat("cpu.system", .ullong(system))]
        }
        // No cache monitors (resctrl) are ever set up for a guest here.
        out.append(TypedStat("cpu.cache.monitor.count", .uint(0)))
        if let (success, fail) = await haltPollTimes() {
            out += [TypedStat("cpu.haltpoll.success.time", .ullong(success)),
                TypedStat("cpu.haltpoll.fail.time", .ullong(fail))]
        }
        return out
    }

    /// KVM's halt-polling time summed over the vCPUs (`query-stats`): zero under TCG, nil when QEMU cannot say.
    private func haltPollTimes() async -> (UInt64, UInt64)? {
        let names = ["halt_poll_success_ns", "halt_poll_fail_ns"]
        let arguments: [String: JSONValue] = [
            "target": .string("vcpu"),
            "providers": .array([
                .object(["provider": .string("kvm"), "names": .array(names.map { .string($0) })])
            ]),
        ]
        guard let reply = try? await query("query-stats", arguments) else { return nil }
        var sums: [UInt64] = [0, 0]
        for entry in reply.arrayValue ?? [] {
            let stats = entry["stats"]?.arrayValue ?? []
            for (i, name) in names.enumerated() {
                guard let value = stats.first(where: { $0["name"]?.stringValue == name })?["value"]?.unsignedValue
                else { return nil }
                sums[i] += value
            }
        }
        return (sums[0], sums[1])
    }

    private func balloonStats() async -> [TypedStat] {
        var out = DefinitionStats.balloonSizes(definition)
        for (tag, value) in (try? await memoryStats()) ?? [] {
            if let name = tag.balloonStatName { out.append(TypedStat("balloon.\(name)", .ullong(value))) }
        }
        return out
    }

    private func vcpuStats() async -> [TypedStat] {
        let current = definition.currentVcpus ?? definition.vcpus
        var out = DefinitionStats.vcpuCounts(definition)
        guard let threads = try? await vcpuThreads() else { return out }
        let queried = await queryStats(target: "vcpu")
        let pid = process.pid
        for n in 0..<current {
            guard let (tid, qomPath) = threads[n] else { continue }
            let task = "/proc/\(pid)/task/\(tid)"
            let time = Self.stat(task + "/stat").map { $0.nanoseconds(ticksPerSecond: Self.clockTicks) }
            out += [
                TypedStat("vcpu.\(n).state", .int(1)),  // VIR_VCPU_RUNNING
                TypedStat("vcpu.\(n).time", .ullong(time.map { $0.user + $0.system } ?? 0)),
                TypedStat("vcpu.\(n).wait", .ullong(Self.text(task + "/sched").map(ThreadSchedFigures.wait) ?? 0)),
                TypedStat(
                    "vcpu.\(n).delay", .ullong(Self.text(task + "/schedstat").flatMap(ThreadSchedFigures.delay) ?? 0)),
            ]
            // KVM's own figures of the vCPU (none under TCG).
            if let queried, let mine = queried.stats.first(where: { $0["qom-path"]?.stringValue == qomPath }) {
                out += QueryStatsFigures.entries(mine, schema: queried.schema, prefix: "vcpu.\(n)")
            }
        }
        return out
    }

    private func interfaceStats() -> [TypedStat] {
        guard (try? requireAlive()) != nil else { return [] }
        let nics = liveDevices.interfaces
        var out = [TypedStat("net.count", .uint(UInt32(nics.count)))]
        for (i, nic) in nics.enumerated() {
            guard let tap = nic.targetDev else { continue }
            out.append(TypedStat("net.\(i).name", .string(tap)))
            guard let c = Self.tapCounters(tap, of: nic) else { continue }
            let figures: [(String, Int64)] = [
                ("rx.bytes", c.rxBytes), ("rx.pkts", c.rxPackets), ("rx.errs", c.rxErrors), ("rx.drop", c.rxDrops),
                ("tx.bytes", c.txBytes), ("tx.pkts", c.txPackets), ("tx.errs", c.txErrors), ("tx.drop", c.txDrops),
            ]
            out += figures.filter { $0.1 >= 0 }.map { TypedStat("net.\(i).\($0.0)", .ullong(UInt64($0.1))) }
        }
        return out
    }

    private func blockStats() async -> [TypedStat] {
        let figures = QMPBlockFigures(
            blockstats: try? await query("query-blockstats"),
            nodeStats: try? await query("query-blockstats", ["query-nodes": .bool(true)]),
            namedNodes: try? await query("query-named-block-nodes", ["flat": .bool(true)]))
        let disks = liveDevices.disks
        let formats = await formatNodes(of: disks)
        var out = [TypedStat("block.count", .uint(UInt32(disks.count)))]
        for (i, disk) in disks.enumerated() {
            let node = formats[i]
            out += DefinitionStats.header(disk, index: i, backingIndex: node.flatMap(Self.nodeNumber))
            guard let node else { continue }
            if let io = figures.frontends[node] {
                out += [
                    ("rd.reqs", io.readRequests), ("rd.bytes", io.readBytes), ("rd.times", io.readTimeNanoseconds),
                    ("wr.reqs", io.writeRequests), ("wr.bytes", io.writeBytes), ("wr.times", io.writeTimeNanoseconds),
                    ("fl.reqs", io.flushRequests), ("fl.times", io.flushTimeNanoseconds),
                ].map { TypedStat("block.\(i).\($0.0)", .ullong($0.1)) }
            }
            guard let image = figures.nodes[node] else { continue }
            out.append(TypedStat("block.\(i).allocation", .ullong(image.highestWrite ?? 0)))
            if let capacity = image.capacity, capacity > 0 {
                out.append(TypedStat("block.\(i).capacity", .ullong(capacity)))
            }
            let physical = image.physical.flatMap { $0 > 0 ? $0 : nil } ?? DefinitionStats.fileSize(disk)
            if let physical { out.append(TypedStat("block.\(i).physical", .ullong(physical))) }
        }
        return out
    }

    // MARK: Helpers

    /// At start, the balloon's `<stats period>` is given to QEMU (a failure leaves the guest without statistics,
    /// as libvirt lets it).
    static func startBalloonPolling(_ definition: DomainDefinition, _ qmp: QMPClient) async {
        guard let path = balloonPath(definition), let period = definition.devices.memballoon?.statsPeriod, period > 0
        else { return }
        _ = try? await qmp.execute("qom-set", arguments: Self.pollingInterval(path, Int32(clamping: period)))
    }

    static func pollingInterval(_ path: String, _ seconds: Int32) -> [String: JSONValue] {
        ["path": .string(path), "property": .string("guest-stats-polling-interval"), "value": .int(Int64(seconds))]
    }

    /// N of a "libvirt-N-format" node: libvirt's backingIndex of the disk's top image.
    static func nodeNumber(_ node: String) -> Int? {
        guard node.hasPrefix("libvirt-") else { return nil }
        return Int(node.dropFirst("libvirt-".count).prefix(while: \.isNumber))
    }

    /// The QOM path of the balloon device, nil without one.
    private var balloonPath: String? { Self.balloonPath(definition) }

    static func balloonPath(_ definition: DomainDefinition) -> String? {
        guard let balloon = definition.devices.memballoon, balloon.model != .none else { return nil }
        return "/machine/peripheral/\(balloon.alias ?? "balloon0")"
    }

    /// A monitor query under the domain's job.
    private func query(_ command: String, _ arguments: [String: JSONValue]? = nil) async throws -> JSONValue {
        try await job.run {
            try requireAlive()
            return try await qmp.execute(command, arguments: arguments)
        }
    }

    /// vCPU index → host thread id and QOM path (`query-cpus-fast`).
    private func vcpuThreads() async throws -> [Int: (tid: Int64, qomPath: String?)] {
        var ids: [Int: (tid: Int64, qomPath: String?)] = [:]
        for cpu in try await query("query-cpus-fast").arrayValue ?? [] {
            if let index = cpu["cpu-index"]?.intValue, let tid = cpu["thread-id"]?.intValue {
                ids[Int(index)] = (tid, cpu["qom-path"]?.stringValue)
            }
        }
        return ids
    }

    /// `query-stats` of `target` with the schema naming its figures; nil when QEMU cannot say.
    private func queryStats(target: String) async -> (stats: [JSONValue], schema: [String: (String, Bool)])? {
        if statsSchema == nil, let reply = try? await query("query-stats-schemas") {
            statsSchema = QueryStatsFigures.schema(reply)
        }
        guard let schema = statsSchema,
            let stats = try? await query("query-stats", ["target": .string(target)]).arrayValue
        else { return nil }
        return (stats, schema)
    }

    private func processStat() -> ProcStat? { Self.stat("/proc/\(process.pid)/stat") }

    static let clockTicks = UInt64(max(1, sysconf(Int32(_SC_CLK_TCK))))

    static func stat(_ path: String) -> ProcStat? { text(path).flatMap(ProcStat.init) }

    static func text(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// A host device's counters as the guest sees them: swapped for a tap, as they are for a macvtap device.
    static func tapCounters(_ device: String, of nic: NetworkInterface) -> InterfaceCounters? {
        text("/proc/net/dev").flatMap { NetDevCounters.counters(of: device, in: $0, swapped: nic.type != .direct) }
    }
}
