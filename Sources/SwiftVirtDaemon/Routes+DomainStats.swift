import SwiftVirtCore
import SwiftVirtWire

/// Domain statistics as libvirt's QEMU driver gives them: virConnectGetAllDomainStats / virDomainListGetStats
/// records, virDomainBlockStats(Flags), InterfaceStats, MemoryStats (and its balloon period) and GetCPUStats.
/// The hypervisor's figures come from the running domain (`DomainStatistics`); an inactive domain reports what its
/// definition says.
enum DomainStatsRoutes {
    // VIR_CONNECT_GET_ALL_DOMAINS_STATS_*: the list filters (ACTIVE .. OTHER) are 0xFF.
    static let listFilters: UInt32 = 0xFF
    /// Accepted; a domain busy with another job is waited for, as libvirt does without it.
    static let noWait: UInt32 = 1 << 29
    static let backing: UInt32 = 1 << 30
    static let enforce: UInt32 = 1 << 31
    /// VIR_TYPED_PARAM_STRING_OKAY
    static let stringOkay: UInt32 = 1 << 2
    /// What libvirt fills for a domain whose hypervisor is not there (no QEMU capabilities: no iothread, dirty rate
    /// or vm groups).
    static let inactiveGroups: [DomainStatsGroup] = [.state, .cpuTotal, .balloon, .vcpu, .interface, .block, .perf, .memory]

    static func register(into table: inout RouteTable) {
        table.on(Remote.ConnectGetAllDomainStats.self, waits: true) { args, ctx in
            let api = Remote.ConnectGetAllDomainStats.info.api
            try checkFlags(args.flags, allowed: listFilters | noWait | backing | enforce, api)
            let filter = args.flags & listFilters
            let uuids: [DomainUUID]
            if args.doms.isEmpty {
                uuids = try DomainQueryRoutes.filtered(await ctx.registry.summaries(), flags: filter).map(\.identity.uuid)
            } else {
                // Domains gone meanwhile are left out, as libvirt does.
                uuids = try args.doms.map { try $0.domainUUID() }
            }
            var records: [RemoteDomainStatsRecord] = []
            for uuid in uuids {
                guard let rec = try? await ctx.registry.record(uuid),
                    !(try DomainQueryRoutes.filtered([rec], flags: filter)).isEmpty
                else { continue }
                records.append(
                    try await record(
                        rec, groups: args.stats, enforce: args.flags & enforce != 0, backing: args.flags & backing != 0,
                        hypervisor: ctx.hypervisor))
            }
            return ConnectGetAllDomainStatsRet(retStats: records)
        }
        table.on(Remote.DomainBlockStats.self, waits: true) { args, ctx in
            let stats = try await running(
                args.dom, ctx, Remote.DomainBlockStats.info, as: (any DomainBlockStatistics).self)
            let s = try await stats.legacyBlockStats(disk: args.path)
            return DomainBlockStatsRet(
                rdReq: s.readRequests, rdBytes: s.readBytes, wrReq: s.writeRequests, wrBytes: s.writeBytes, errs: s.errors)
        }
        table.on(Remote.DomainBlockStatsFlags.self, waits: true) { args, ctx in
            // A driver whose records come from definitions has no running domains with these counters: the call is
            // unsupported whatever the domain's state, as where libvirt's driver lacks the entry point.
            if ctx.hypervisor is any DefinitionDomainStats {
                throw Dispatcher.notSupported(Remote.DomainBlockStatsFlags.info)
            }
            try checkFlags(args.flags, allowed: stringOkay, Remote.DomainBlockStatsFlags.info.api)
            let stats = try await running(
                args.dom, ctx, Remote.DomainBlockStatsFlags.info, as: (any DomainStatistics).self)
            let io = try await stats.blockIO(disk: args.path)
            let fields = blockStatsFields(io)
            if args.nparams == 0 { return DomainBlockStatsFlagsRet(params: [], nparams: Int32(fields.count)) }
            var params: [RemoteTypedParam] = []
            for (name, value) in fields.prefix(Int(max(0, args.nparams))) {
                guard value <= UInt64(Int64.max) else {
                    throw VirtError(.overflow, domain: .qemu, detail: "value of '\(name)' is too large")
                }
                params.append(RemoteTypedParam(field: name, value: .llong(Int64(value))))
            }
            return DomainBlockStatsFlagsRet(params: params, nparams: Int32(params.count))
        }
        table.on(Remote.DomainInterfaceStats.self, waits: true) { args, ctx in
            let stats = try await running(
                args.dom, ctx, Remote.DomainInterfaceStats.info, as: (any DomainInterfaceStatistics).self)
            let c = try await stats.interfaceCounters(args.device)
            return DomainInterfaceStatsRet(
                rxBytes: c.rxBytes, rxPackets: c.rxPackets, rxErrs: c.rxErrors, rxDrop: c.rxDrops, txBytes: c.txBytes,
                txPackets: c.txPackets, txErrs: c.txErrors, txDrop: c.txDrops)
        }
        table.on(Remote.DomainMemoryStats.self, waits: true) { args, ctx in
            guard args.maxStats <= UInt32(RemoteProtocol.remoteDomainMemoryStatsMax) else {
                throw VirtError(.internalError, domain: .rpc, detail: "maxStats > REMOTE_DOMAIN_MEMORY_STATS_MAX")
            }
            try checkFlags(args.flags, allowed: 0, Remote.DomainMemoryStats.info.api)
            let stats = try await running(
                args.dom, ctx, Remote.DomainMemoryStats.info, as: (any DomainMemoryStatistics).self
            ).memoryStats()
            return DomainMemoryStatsRet(
                stats: stats.prefix(Int(args.maxStats)).map { RemoteDomainMemoryStat(tag: $0.tag.rawValue, val: $0.value) })
        }
        table.on(Remote.DomainSetMemoryStatsPeriod.self, waits: true) { args, ctx in
            let api = Remote.DomainSetMemoryStatsPeriod.info.api
            try checkFlags(args.flags, allowed: DomainRegistry.affectLive | DomainRegistry.affectConfig, api)
            try await ctx.registry.setMemoryStatsPeriod(args.dom.domainUUID(), args.period, flags: args.flags) {
                guard let stats = $0 as? any DomainBalloonPeriod else {
                    throw Dispatcher.notSupported(Remote.DomainSetMemoryStatsPeriod.info)
                }
                try await stats.setMemoryStatsPeriod(args.period)
            }
            return XDRVoid()
        }
        table.on(Remote.DomainGetCPUStats.self, waits: true) { args, ctx in
            try cpuStatsLimits(args)
            try checkFlags(args.flags, allowed: stringOkay, Remote.DomainGetCPUStats.info.api)
            let stats = try await running(
                args.dom, ctx, Remote.DomainGetCPUStats.info, as: (any DomainCPUStatistics).self)
            return try await cpuStats(args, stats)
        }
    }

    /// The not-running error of libvirt's per-domain statistics calls (virDomainObjCheckActive).
    static var notRunning: VirtError { VirtError(.operationInvalid, domain: .domain, detail: "domain is not running") }

    /// The running domain's statistics ability `P`, or libvirt's errors for an inactive domain and a driver
    /// without it.
    static func running<P>(
        _ dom: RemoteNonnullDomain, _ ctx: CallContext, _ info: ProcedureInfo, as: P.Type
    ) async throws -> P {
        let rec = try await ctx.registry.record(dom.domainUUID())
        guard rec.isActive, let running = rec.running else { throw notRunning }
        guard let stats = running as? P else { throw Dispatcher.notSupported(info) }
        return stats
    }

    /// One record of virConnectGetAllDomainStats: the groups asked for (0: all the domain supports) in libvirt's
    /// order; with `enforce`, asking for a group the domain cannot fill is an error. A driver that fills records
    /// from definitions (`DefinitionDomainStats`) does so whether the domain runs or not.
    static func record(
        _ rec: DomainRecord, groups requested: UInt32, enforce: Bool, backing: Bool, hypervisor: any HypervisorDriver
    ) async throws -> RemoteDomainStatsRecord {
        let fixed = hypervisor as? any DefinitionDomainStats
        let stats = rec.isActive && fixed == nil ? rec.running as? any DomainStatistics : nil
        let groups = fixed?.statsGroups ?? stats?.supportedStatsGroups ?? inactiveGroups
        let supported = groups.reduce(UInt32(0)) { $0 | $1.rawValue }
        if enforce && requested & ~supported != 0 {
            throw VirtError(
                .argumentUnsupported, domain: hypervisor.errorDomain,
                detail: "Stats types bits 0x\(String(requested & ~supported, radix: 16)) are not supported by this "
                    + (fixed == nil ? "daemon or QEMU" : "daemon"))
        }
        let wanted = requested == 0 ? supported : requested & supported
        var params: [TypedStat] = []
        for group in DomainStatsGroup.allCases where wanted & group.rawValue != 0 {
            if group == .state {
                params += [
                    TypedStat("state.state", .int(rec.state.rawValue)),
                    TypedStat("state.reason", .int(rec.reason.rawValue)),
                ]
            } else if let fixed {
                params += fixed.statistics(group, of: rec.live ?? rec.config, active: rec.isActive)
            } else if let stats {
                params += await stats.statistics(group, backing: backing)
            } else {
                params += DefinitionStats.inactive(group, of: rec.live ?? rec.config)
            }
        }
        return RemoteDomainStatsRecord(dom: rec.identity.wire, params: params.map(\.wire))
    }

    /// virDomainBlockStatsFlags' fields, in libvirt's order.
    static func blockStatsFields(_ io: BlockIOTotals) -> [(String, UInt64)] {
        [
            ("wr_bytes", io.writeBytes), ("wr_operations", io.writeRequests), ("rd_bytes", io.readBytes),
            ("rd_operations", io.readRequests), ("flush_operations", io.flushRequests),
            ("wr_total_times", io.writeTimeNanoseconds), ("rd_total_times", io.readTimeNanoseconds),
            ("flush_total_times", io.flushTimeNanoseconds),
        ]
    }

    /// libvirtd's own limits on virDomainGetCPUStats' arguments.
    static func cpuStatsLimits(_ args: DomainGetCpuStatsArgs) throws {
        if args.nparams > UInt32(RemoteProtocol.remoteNodeCpuStatsMax) {
            throw VirtError(.internalError, domain: .rpc, detail: "nparams too large")
        }
        if args.ncpus > UInt32(RemoteProtocol.remoteDomainGetCpuStatsNcpusMax) {
            throw VirtError(.internalError, domain: .rpc, detail: "ncpus too large")
        }
    }

    /// virDomainGetCPUStats: the domain's total (`startCpu` -1: cpu_time, user_time, system_time) or per host CPU
    /// (cpu_time, vcpu_time) from `startCpu` on; with `nparams` 0 only how many there are (or, with `ncpus` 0
    /// too, how many host CPUs). Per-CPU answers are dense: `nparams` entries for each CPU answered.
    static func cpuStats(_ args: DomainGetCpuStatsArgs, _ stats: any DomainCPUStatistics) async throws
        -> DomainGetCpuStatsRet
    {
        if args.startCpu == -1 {
            if args.nparams == 0 { return DomainGetCpuStatsRet(params: [], nparams: 3) }
            let (total, user, system) = try await stats.cpuTimes()
            let all = [("cpu_time", total), ("user_time", user), ("system_time", system)]
            let params = all.prefix(Int(args.nparams)).map { RemoteTypedParam(field: $0.0, value: .ullong($0.1)) }
            return DomainGetCpuStatsRet(params: params, nparams: Int32(params.count))
        }
        if args.nparams == 0 && args.ncpus != 0 { return DomainGetCpuStatsRet(params: [], nparams: 2) }
        let (all, vcpus) = try await stats.perHostCPUTimes()
        if args.ncpus == 0 { return DomainGetCpuStatsRet(params: [], nparams: Int32(all.count)) }
        guard args.startCpu < all.count else {
            throw VirtError(
                .invalidArg, domain: .qemu,
                detail: "start_cpu \(args.startCpu) larger than maximum of \(all.count - 1)")
        }
        let start = Int(max(0, args.startCpu))
        let end = min(all.count, start + Int(args.ncpus))
        let perCPU = args.nparams > 1 ? 2 : 1
        var params: [RemoteTypedParam] = []
        for cpu in start..<end {
            params.append(RemoteTypedParam(field: "cpu_time", value: .ullong(all[cpu])))
            if perCPU == 2 { params.append(RemoteTypedParam(field: "vcpu_time", value: .ullong(vcpus[cpu]))) }
        }
        return DomainGetCpuStatsRet(params: params, nparams: Int32(perCPU))
    }
}

extension TypedStat {
    var wire: RemoteTypedParam {
        let value: RemoteTypedParamValue =
            switch self.value {
            case .int(let v): .int(v)
            case .uint(let v): .uint(v)
            case .llong(let v): .llong(v)
            case .ullong(let v): .ullong(v)
            case .boolean(let v): .boolean(v ? 1 : 0)
            case .string(let v): .string(v)
            }
        return RemoteTypedParam(field: name, value: value)
    }
}
