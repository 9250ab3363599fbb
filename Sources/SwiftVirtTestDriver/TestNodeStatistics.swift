import SwiftVirtCore

/// The node statistics of libvirt's test driver: fixed values for its two simulated cells and eight CPUs, and no
/// memory statistics (libvirt's test driver has none).
struct TestNodeStatistics: NodeStatistics {
    /// Each cell's memory and free memory, bytes, as libvirt's default test host has them.
    static let cellMemory: [UInt64] = [2048 * 1024, 4096 * 1024]
    static let cellFreeMemory: [UInt64] = [1024 * 1024, 2048 * 1024]

    func memoryStats(cell: Int32, nparams: Int32) throws -> NodeStatsAnswer {
        throw VirtError(.noSupport, domain: .none, detail: "virNodeGetMemoryStats")
    }

    func cpuStats(cpu: Int32, nparams: Int32) throws -> NodeStatsAnswer {
        let values = [
            NodeStatValue("user", 9_797_400_000), NodeStatValue("kernel", 34_678_723_400_000),
            NodeStatValue("idle", 87_264_900_000), NodeStatValue("iowait", 763_600_000),
        ]
        if nparams == 0 { return .count(Int32(values.count)) }
        return .values(Array(values.prefix(Int(nparams))))
    }

    /// libvirt's test driver sums the cells' free memory in an unsigned int.
    func freeMemory() throws -> UInt64 { UInt64(UInt32(truncatingIfNeeded: Self.cellFreeMemory.reduce(0, +))) }

    /// libvirt's test driver answers each cell's size here, not its free memory.
    func cellsFreeMemory(start: Int32, count: Int32) throws -> [UInt64] {
        guard Int(start) < Self.cellMemory.count else {
            throw VirtError(.invalidArg, domain: .test, detail: "Range exceeds available cells")
        }
        return Array(Self.cellMemory[Int(start)...].prefix(Int(count)))
    }

    func cpuMap() throws -> NodeCPUMap { NodeCPUMap(bitmap: [0x15], online: 3, present: 8) }
}
