import SwiftVirtCore
import SwiftVirtSystem

/// The figures libvirt takes from `/proc/<pid>/stat` or `/proc/<pid>/task/<tid>/stat`.
struct ProcStat: Equatable {
    var userTicks: UInt64
    var systemTicks: UInt64
    /// Resident set, in pages.
    var residentPages: UInt64
    /// The CPU the thread last ran on.
    var processor: Int
}

extension ProcStat {
    /// Parses a stat line; the command name in parentheses may itself hold spaces and parentheses.
    init?(_ line: String) {
        guard let close = line.lastIndex(of: ")") else { return nil }
        // Counted from field 3 (state), right after "(comm)": utime 14, stime 15, rss 24, processor 39.
        let fields = line[line.index(after: close)...].split(separator: " ")
        guard fields.count > 36, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return nil }
        self.init(
            userTicks: user, systemTicks: system, residentPages: UInt64(fields[21]) ?? 0,
            processor: Int(fields[36]) ?? 0)
    }

    /// User and system time in nanoseconds, at `ticksPerSecond` clock ticks.
    func nanoseconds(ticksPerSecond: UInt64) -> (user: UInt64, system: UInt64) {
        let perTick = 1_000_000_000 / max(1, ticksPerSecond)
        return (userTicks * perTick, systemTicks * perTick)
    }
}

/// Scheduler figures of one thread, as libvirt reports them for a vCPU.
enum ThreadSchedFigures {
    /// `/proc/.../schedstat` is "runtime run-delay timeslices": the delay, in nanoseconds.
    static func delay(schedstat: String) -> UInt64? {
        let fields = schedstat.split(whereSeparator: \.isWhitespace)
        return fields.count >= 2 ? UInt64(fields[1]) : nil
    }

    /// `/proc/.../sched`'s `se.statistics.wait_sum` (or older `se.wait_sum`), milliseconds, in nanoseconds;
    /// 0 when the kernel does not keep it.
    static func wait(sched: String) -> UInt64 {
        for line in sched.split(separator: "\n")
        where line.hasPrefix("se.statistics.wait_sum") || line.hasPrefix("se.wait_sum") {
            guard let colon = line.firstIndex(of: ":"),
                let ms = Double(line[line.index(after: colon)...].trimmingWhitespace())
            else { return 0 }
            return UInt64(ms * 1_000_000)
        }
        return 0
    }
}

/// `/proc/net/dev` lines: an interface's counters as the host sees them.
enum NetDevCounters {
    /// The counters of `interface`, as its guest sees them when `swapped` (a tap: what the host receives the guest
    /// sent), or nil when the file does not list it.
    static func counters(of interface: String, in procNetDev: String, swapped: Bool) -> InterfaceCounters? {
        for line in procNetDev.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"),
                line[..<colon].trimmingWhitespace() == interface
            else { continue }
            let n = line[line.index(after: colon)...].split(whereSeparator: \.isWhitespace).map { Int64($0) ?? 0 }
            guard n.count >= 12 else { return nil }
            // receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes packets errs drop ...
            let rx = (n[0], n[1], n[2], n[3])
            let tx = (n[8], n[9], n[10], n[11])
            let (inbound, outbound) = swapped ? (tx, rx) : (rx, tx)
            var c = InterfaceCounters()
            (c.rxBytes, c.rxPackets, c.rxErrors, c.rxDrops) = inbound
            (c.txBytes, c.txPackets, c.txErrors, c.txDrops) = outbound
            return c
        }
        return nil
    }
}

extension JSONValue {
    /// A QMP unsigned number; QEMU prints unsigned 64-bit values beyond Int64 as big integers (nil: not a number
    /// or not representable).
    var unsignedValue: UInt64? {
        switch self {
        case .int(let i): i >= 0 ? UInt64(i) : nil
        case .double(let d): d >= 0 && d < 18_446_744_073_709_551_616 && d.rounded() == d ? UInt64(d) : nil
        default: nil
        }
    }
}

/// What `query-blockstats` and `query-named-block-nodes` say, keyed as libvirt keys them.
struct QMPBlockFigures: Equatable {
    struct Node: Equatable {
        /// The highest offset written (libvirt's `allocation` of a running disk).
        var highestWrite: UInt64?
        var capacity: UInt64?
        var physical: UInt64?
    }
    /// Frontend counters by the device's root node name (`libvirt-N-format`), QOM path (`qdev`) and, for drives
    /// with one, drive name.
    var frontends: [String: BlockIOTotals] = [:]
    var nodes: [String: Node] = [:]

    /// `blockstats`: `query-blockstats`' answer; `nodeStats`: the same with `query-nodes`; `namedNodes`:
    /// `query-named-block-nodes` (flat).
    init(blockstats: JSONValue?, nodeStats: JSONValue?, namedNodes: JSONValue?) {
        for entry in blockstats?.arrayValue ?? [] {
            let totals = Self.totals(entry["stats"])
            for key in ["node-name", "qdev", "device"] {
                if let name = entry[key]?.stringValue, !name.isEmpty { frontends[name] = totals }
            }
        }
        for entry in nodeStats?.arrayValue ?? [] {
            guard let name = entry["node-name"]?.stringValue else { continue }
            nodes[name, default: Node()].highestWrite = entry["parent"]?["stats"]?["wr_highest_offset"]?.unsignedValue
        }
        for entry in namedNodes?.arrayValue ?? [] {
            guard let name = entry["node-name"]?.stringValue, let image = entry["image"],
                let capacity = image["virtual-size"]?.unsignedValue
            else { continue }
            nodes[name, default: Node()].capacity = capacity
            nodes[name, default: Node()].physical = image["actual-size"]?.unsignedValue ?? capacity
        }
    }

    static func totals(_ stats: JSONValue?) -> BlockIOTotals {
        var t = BlockIOTotals()
        func n(_ key: String) -> UInt64 { stats?[key]?.unsignedValue ?? 0 }
        t.readRequests = n("rd_operations")
        t.readBytes = n("rd_bytes")
        t.readTimeNanoseconds = n("rd_total_time_ns")
        t.writeRequests = n("wr_operations")
        t.writeBytes = n("wr_bytes")
        t.writeTimeNanoseconds = n("wr_total_time_ns")
        t.flushRequests = n("flush_operations")
        t.flushTimeNanoseconds = n("flush_total_time_ns")
        return t
    }
}

/// The balloon's `guest-stats` property (`qom-get`) as virDomainMemoryStats entries, in libvirt's order. Figures
/// the guest has not reported (-1) are left out; sizes are turned from bytes into KiB.
enum BalloonGuestStats {
    static func entries(_ reply: JSONValue) -> [(tag: MemoryStatTag, value: UInt64)] {
        let stats = reply["stats"]
        let fields: [(JSONValue?, String, MemoryStatTag, UInt64)] = [
            (stats, "stat-swap-in", .swapIn, 1024), (stats, "stat-swap-out", .swapOut, 1024),
            (stats, "stat-major-faults", .majorFault, 1), (stats, "stat-minor-faults", .minorFault, 1),
            (stats, "stat-free-memory", .unused, 1024), (stats, "stat-total-memory", .available, 1024),
            (stats, "stat-available-memory", .usable, 1024), (reply, "last-update", .lastUpdate, 1),
            (stats, "stat-disk-caches", .diskCaches, 1024), (stats, "stat-htlb-pgalloc", .hugetlbAllocations, 1),
            (stats, "stat-htlb-pgfail", .hugetlbFailures, 1),
        ]
        return fields.compactMap { object, key, tag, divisor in
            guard let value = object?[key]?.unsignedValue, value != UInt64.max else { return nil }
            return (tag, value / divisor)
        }
    }
}

/// `query-dirty-rate` as the `dirtyrate` group.
enum DirtyRateStats {
    static func entries(_ reply: JSONValue) -> [TypedStat] {
        let status: Int32 =
            switch reply["status"]?.stringValue {
            case "measuring": 1
            case "measured": 2
            default: 0
            }
        let mode = reply["mode"]?.stringValue ?? "page-sampling"
        var out = [
            TypedStat("dirtyrate.calc_status", .int(status)),
            TypedStat("dirtyrate.calc_start_time", .llong(reply["start-time"]?.intValue ?? 0)),
            TypedStat("dirtyrate.calc_period", .int(Int32(clamping: reply["calc-time"]?.intValue ?? 0))),
            TypedStat("dirtyrate.calc_mode", .string(mode)),
        ]
        guard status == 2 else { return out }
        out.append(TypedStat("dirtyrate.megabytes_per_second", .llong(reply["dirty-rate"]?.intValue ?? 0)))
        if mode == "dirty-ring" {
            for vcpu in reply["vcpu-dirty-rate"]?.arrayValue ?? [] {
                guard let id = vcpu["id"]?.intValue else { continue }
                out.append(
                    TypedStat(
                        "dirtyrate.vcpu.\(id).megabytes_per_second", .ullong(vcpu["dirty-rate"]?.unsignedValue ?? 0)))
            }
        }
        return out
    }
}

/// `query-iothreads` as the `iothread` group: nothing when the guest has none.
enum IOThreadStats {
    static func entries(_ reply: JSONValue) -> [TypedStat] {
        let threads = reply.arrayValue ?? []
        guard !threads.isEmpty else { return [] }
        var out = [TypedStat("iothread.count", .uint(UInt32(threads.count)))]
        for thread in threads {
            guard let id = thread["id"]?.stringValue.flatMap({ Int($0.drop { !$0.isNumber }) }),
                let maxNs = thread["poll-max-ns"]?.unsignedValue
            else { continue }
            out.append(TypedStat("iothread.\(id).poll-max-ns", .ullong(maxNs)))
            out.append(TypedStat("iothread.\(id).poll-grow", .uint(UInt32(clamping: thread["poll-grow"]?.intValue ?? 0))))
            out.append(
                TypedStat("iothread.\(id).poll-shrink", .uint(UInt32(clamping: thread["poll-shrink"]?.intValue ?? 0))))
        }
        return out
    }
}

/// `query-stats` figures named as libvirt names them: `<prefix>.<name>.<sum|cur|max>` by the kind
/// `query-stats-schemas` gives the statistic (histograms and statistics without a schema are left out).
enum QueryStatsFigures {
    /// Name → (kind suffix, is boolean) from `query-stats-schemas`.
    static func schema(_ reply: JSONValue) -> [String: (String, Bool)] {
        var out: [String: (String, Bool)] = [:]
        for provider in reply.arrayValue ?? [] {
            for stat in provider["stats"]?.arrayValue ?? [] {
                guard let name = stat["name"]?.stringValue else { continue }
                let suffix: String? =
                    switch stat["type"]?.stringValue {
                    case "cumulative": "sum"
                    case "instant": "cur"
                    case "peak": "max"
                    default: nil
                    }
                if let suffix { out[name] = (suffix, stat["unit"]?.stringValue == "boolean") }
            }
        }
        return out
    }

    /// One `query-stats` result's `stats` as entries under `prefix`, in QEMU's order.
    static func entries(_ result: JSONValue, schema: [String: (String, Bool)], prefix: String) -> [TypedStat] {
        (result["stats"]?.arrayValue ?? []).compactMap { stat in
            guard let name = stat["name"]?.stringValue, let (suffix, isBoolean) = schema[name] else { return nil }
            let key = "\(prefix).\(name).\(suffix)"
            if isBoolean { return stat["value"]?.boolValue.map { TypedStat(key, .boolean($0)) } }
            return stat["value"]?.unsignedValue.map { TypedStat(key, .ullong($0)) }
        }
    }
}
