import FoundationEssentials
import Glibc
import SwiftVirtCore

/// The real host's node statistics, read from /proc and sysfs as libvirt's Linux code reads them: whole-host
/// memory from /proc/meminfo, per cell from the NUMA node's meminfo, CPU times from /proc/stat in nanoseconds.
/// Small kernel files: read in place, they never block.
struct HostNodeStatistics: NodeStatistics {
    var procRoot = "/proc"
    var sysRoot = "/sys/devices/system"

    private static let allCells: Int32 = -1
    private static let allCPUs: Int32 = -1

    func memoryStats(cell requested: Int32, nparams: Int32) throws -> NodeStatsAnswer {
        var cell = requested
        let maxNode = highestNode()
        // Without NUMA, libvirt claims one cell holding the whole host.
        if maxNode == nil && cell == 0 { cell = Self.allCells }
        let path: String
        if cell == Self.allCells {
            path = procRoot + "/meminfo"
        } else {
            let maxNode = maxNode ?? 0
            guard cell <= maxNode else {
                throw VirtError.rawInvalidArg("cellNum in virHostMemGetStats must be less than or equal to \(maxNode)")
            }
            path = "\(sysRoot)/node/node\(cell)/meminfo"
        }
        let count: Int32 = cell == Self.allCells ? 4 : 2
        if nparams == 0 { return .count(count) }
        guard nparams == count else {
            throw VirtError.rawInvalidArg("nparams in virHostMemGetStatsLinux must be \(count)")
        }
        let values = LinuxNodeStatsFormat.memoryValues(try read(path), limit: Int(count))
        guard !values.isEmpty else { throw VirtError(.internalError, domain: .none, detail: "no available memory line found") }
        return .values(values)
    }

    func cpuStats(cpu: Int32, nparams: Int32) throws -> NodeStatsAnswer {
        if nparams == 0 { return .count(4) }
        guard nparams == 4 else { throw VirtError.rawInvalidArg("nparams in virHostCPUGetStatsLinux must be equal to 4") }
        let ticks = UInt64(max(1, sysconf(Int32(_SC_CLK_TCK))))
        guard
            let values = LinuxNodeStatsFormat.cpuValues(
                try read(procRoot + "/stat"), cpu: cpu == Self.allCPUs ? nil : cpu, ticksPerSecond: ticks)
        else { throw VirtError.rawInvalidArg("Invalid cpuNum in virHostCPUGetStatsLinux") }
        return .values(values)
    }

    func freeMemory() throws -> UInt64 {
        guard let maxNode = highestNode() else { return try wholeHostKiB("MemFree:") * 1024 }
        var total: UInt64 = 0
        for node in 0...maxNode { total += (try? nodeFreeBytes(node)) ?? 0 }
        return total
    }

    func cellsFreeMemory(start: Int32, count: Int32) throws -> [UInt64] {
        guard let maxNode = highestNode() else {
            guard start == 0 else { throw outOfRange(start, 0) }
            return [try wholeHostKiB("MemAvailable:") * 1024]
        }
        guard start <= maxNode else { throw outOfRange(start, maxNode) }
        let last = min(maxNode, start + count - 1)
        return try (start...last).map { try nodeFreeBytes($0) }
    }

    func cpuMap() throws -> NodeCPUMap {
        guard let present = LinuxNodeStatsFormat.list(try read(sysRoot + "/cpu/present")),
            let online = LinuxNodeStatsFormat.list(try read(sysRoot + "/cpu/online"))
        else { throw VirtError(.internalError, domain: .none, detail: "unreadable CPU lists in \(sysRoot)/cpu") }
        return NodeCPUMap(
            bitmap: LinuxNodeStatsFormat.bitmap(online, size: 0), online: UInt32(online.count),
            present: Int32((present.max() ?? -1) + 1))
    }

    // MARK: files

    /// The highest NUMA node number; nil when the host shows no NUMA nodes.
    private func highestNode() -> Int32? {
        guard let dir = opendir(sysRoot + "/node") else { return nil }
        defer { closedir(dir) }
        var highest: Int32?
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasPrefix("node"), let n = Int32(name.dropFirst(4)) else { continue }
            highest = max(highest ?? n, n)
        }
        return highest
    }

    private func nodeFreeBytes(_ node: Int32) throws -> UInt64 {
        let values = LinuxNodeStatsFormat.memoryValues(try read("\(sysRoot)/node/node\(node)/meminfo"), limit: 2)
        return (values.first { $0.field == "free" }?.value ?? 0) * 1024
    }

    private func wholeHostKiB(_ header: String) throws -> UInt64 {
        let text = try read(procRoot + "/meminfo")
        for line in text.split(separator: "\n") where line.hasPrefix(header) {
            if let kib = line.split(separator: " ").dropFirst().first.flatMap({ UInt64($0) }) { return kib }
        }
        return 0
    }

    private func outOfRange(_ start: Int32, _ maxCell: Int32) -> VirtError {
        VirtError(.internalError, domain: .none, detail: "start cell \(start) out of range (0-\(maxCell))")
    }

    private func read(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw VirtError(.systemError, domain: .none, detail: "cannot open \(path)", cause: error)
        }
    }
}
