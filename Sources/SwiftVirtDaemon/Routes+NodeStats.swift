import SwiftVirtCore
import SwiftVirtWire

/// Host statistics: `virsh nodememstats`, `nodecpustats`, `freecell`, `nodecpumap`.
enum NodeStatsRoutes {
    /// REMOTE_NODE_CPU_STATS_MAX and REMOTE_NODE_MEMORY_STATS_MAX.
    static let maxStats: Int32 = 16
    /// REMOTE_NODE_MAX_CELLS
    static let maxCells: Int32 = 1024

    static func register(into table: inout RouteTable) {
        table.on(Remote.NodeGetMemoryStats.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.NodeGetMemoryStats.info.api)
            try checkCount(args.nparams, "virNodeGetMemoryStats")
            if args.cellNum < -1 {
                throw VirtError.rawInvalidArg("cellNum in virNodeGetMemoryStats only accepts -1 as a negative value")
            }
            switch try statistics(ctx).memoryStats(cell: args.cellNum, nparams: args.nparams) {
            case .count(let n): return NodeGetMemoryStatsRet(params: [], nparams: n)
            case .values(let values):
                return NodeGetMemoryStatsRet(
                    params: values.map { RemoteNodeGetMemoryStats(field: $0.field, value: $0.value) }, nparams: 0)
            }
        }
        table.on(Remote.NodeGetCPUStats.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.NodeGetCPUStats.info.api)
            try checkCount(args.nparams, "virNodeGetCPUStats")
            if args.cpuNum < -1 {
                throw VirtError.rawInvalidArg("cpuNum in virNodeGetCPUStats only accepts -1 as a negative value")
            }
            switch try statistics(ctx).cpuStats(cpu: args.cpuNum, nparams: args.nparams) {
            case .count(let n): return NodeGetCpuStatsRet(params: [], nparams: n)
            case .values(let values):
                return NodeGetCpuStatsRet(
                    params: values.map { RemoteNodeGetCpuStats(field: $0.field, value: $0.value) }, nparams: 0)
            }
        }
        table.on(Remote.NodeGetFreeMemory.self) { ctx in
            // libvirt's drivers answer 0 when the host cannot be read; the caller sees no error.
            NodeGetFreeMemoryRet(freeMem: (try? statistics(ctx).freeMemory()) ?? 0)
        }
        table.on(Remote.NodeGetCellsFreeMemory.self) { args, ctx in
            guard args.maxcells <= maxCells else {
                throw VirtError(.rpc, domain: .rpc, detail: "maxcells > REMOTE_NODE_MAX_CELLS")
            }
            guard args.maxcells > 0 else {
                throw VirtError.rawInvalidArg("maxCells in virNodeGetCellsFreeMemory must be greater than zero")
            }
            guard args.startCell >= 0 else {
                throw VirtError.rawInvalidArg("startCell in virNodeGetCellsFreeMemory must be zero or greater")
            }
            return NodeGetCellsFreeMemoryRet(
                cells: try statistics(ctx).cellsFreeMemory(start: args.startCell, count: args.maxcells))
        }
        table.on(Remote.NodeGetCPUMap.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.NodeGetCPUMap.info.api)
            let map = try statistics(ctx).cpuMap()
            return NodeGetCpuMapRet(
                cpumap: args.needMap != 0 ? map.bitmap : [], online: args.needOnline != 0 ? map.online : 0,
                ret: map.present)
        }
    }

    private static func statistics(_ ctx: CallContext) -> any NodeStatistics {
        ctx.hypervisor.simulatedNodeStatistics() ?? HostNodeStatistics()
    }

    /// The daemon's bound, then libvirt's public API check on the count the caller offers.
    private static func checkCount(_ nparams: Int32, _ api: String) throws {
        guard nparams <= maxStats else { throw VirtError(.internalError, domain: .rpc, detail: "nparams too large") }
        guard nparams >= 0 else { throw VirtError.rawInvalidArg("nparams in \(api) must be zero or greater") }
    }
}
