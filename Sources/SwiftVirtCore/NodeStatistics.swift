/// Host-level statistics behind virNodeGetMemoryStats, virNodeGetCPUStats, virNodeGetFreeMemory,
/// virNodeGetCellsFreeMemory and virNodeGetCPUMap: the real host's, or those of a host a driver simulates.
public protocol NodeStatistics: Sendable {
    /// `nparams` as the caller sent it; 0 asks only how many values there are.
    func memoryStats(cell: Int32, nparams: Int32) throws -> NodeStatsAnswer
    func cpuStats(cpu: Int32, nparams: Int32) throws -> NodeStatsAnswer
    /// Free memory of the whole host, bytes.
    func freeMemory() throws -> UInt64
    /// Free memory of cells `start`, `start+1`, ... (at most `count`), bytes.
    func cellsFreeMemory(start: Int32, count: Int32) throws -> [UInt64]
    func cpuMap() throws -> NodeCPUMap
}

/// The two answers of libvirt's node statistics calls: the number of values, or the values in libvirt's order.
public enum NodeStatsAnswer: Sendable, Equatable {
    case count(Int32)
    case values([NodeStatValue])
}

public struct NodeStatValue: Sendable, Equatable {
    public var field: String
    public var value: UInt64
    public init(_ field: String, _ value: UInt64) {
        self.field = field
        self.value = value
    }
}

/// virNodeGetCPUMap: the online CPUs as a bitmap (CPU 0 in bit 0 of byte 0), how many are online, and how many
/// CPUs the host has (present ones, counted to the highest).
public struct NodeCPUMap: Sendable, Equatable {
    public var bitmap: [UInt8]
    public var online: UInt32
    public var present: Int32
    public init(bitmap: [UInt8], online: UInt32, present: Int32) {
        self.bitmap = bitmap
        self.online = online
        self.present = present
    }
}

/// Errors libvirt raises with a message of the call's own (virReportInvalidArg): no code prefix, no error domain.
extension VirtError {
    public static func rawInvalidArg(_ message: String) -> VirtError {
        var error = VirtError(.invalidArg, domain: .none)
        error.message = message
        return error
    }
}

/// The pure part of reading a Linux host's statistics: the formats of /proc/meminfo, a NUMA node's meminfo,
/// /proc/stat and sysfs CPU lists.
public enum LinuxNodeStatsFormat {
    /// "kB" values of the lines libvirt reports, in the file's order, under libvirt's field names, stopping after
    /// `limit` of them. Lines of a node's meminfo start with "Node N ", which is skipped.
    public static func memoryValues(_ text: String, limit: Int) -> [NodeStatValue] {
        let names: [Substring: String] = [
            "MemTotal:": "total", "MemFree:": "free", "Buffers:": "buffers", "Cached:": "cached",
        ]
        var values: [NodeStatValue] = []
        for line in text.split(separator: "\n") {
            var words = line.split(separator: " ", omittingEmptySubsequences: true)[...]
            if words.first == "Node" { words = words.dropFirst(2) }
            guard words.count >= 2, let name = names[words[words.startIndex]],
                let kib = UInt64(words[words.startIndex + 1])
            else { continue }
            values.append(NodeStatValue(name, kib))
            if values.count >= limit { break }
        }
        return values
    }

    /// The four values of a /proc/stat CPU line ("cpu " for all CPUs, "cpuN " for one), nanoseconds: kernel
    /// (system + irq + softirq), user (user + nice), idle, iowait. nil when there is no such line.
    public static func cpuValues(_ text: String, cpu: Int32?, ticksPerSecond: UInt64) -> [NodeStatValue]? {
        let header = cpu.map { "cpu\($0) " } ?? "cpu "
        let nanosPerTick = 1_000_000_000 / max(1, ticksPerSecond)
        for line in text.split(separator: "\n") where line.hasPrefix(header) {
            let n = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
            guard n.count >= 4 else { continue }
            func at(_ i: Int) -> UInt64 { i < n.count ? n[i] : 0 }
            return [
                NodeStatValue("kernel", (at(2) + at(5) + at(6)) * nanosPerTick),
                NodeStatValue("user", (at(0) + at(1)) * nanosPerTick),
                NodeStatValue("idle", at(3) * nanosPerTick),
                NodeStatValue("iowait", at(4) * nanosPerTick),
            ]
        }
        return nil
    }

    /// A sysfs CPU or node list ("0-3,5"); nil when malformed.
    public static func list(_ text: String) -> [Int]? {
        var result: [Int] = []
        for part in text.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == " " }) {
            let bounds = part.split(separator: "-", maxSplits: 1)
            guard let low = Int(bounds[0]), let high = bounds.count == 2 ? Int(bounds[1]) : low, low <= high else {
                return nil
            }
            result.append(contentsOf: low...high)
        }
        return result
    }

    /// `members` as libvirt's bitmap bytes, long enough for `size` bits.
    public static func bitmap(_ members: [Int], size: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: (max(size, (members.max() ?? -1) + 1) + 7) / 8)
        for m in members where m >= 0 { bytes[m / 8] |= 1 << UInt8(m % 8) }
        return bytes
    }
}
