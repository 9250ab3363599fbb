import SwiftVirtCore
import SwiftVirtWire

/// vCPU counts (virsh setvcpus, vcpucount, maxvcpus), with libvirt 9.0's QEMU driver checks and messages.
enum DomainVCPURoutes {
    /// virDomainVcpuFlags: VIR_DOMAIN_VCPU_MAXIMUM, _GUEST, _HOTPLUGGABLE.
    static let (maximum, guest, hotpluggable): (UInt32, UInt32, UInt32) = (4, 8, 16)

    static func register(into table: inout RouteTable) {
        registerInfo(into: &table)
        table.on(Remote.DomainGetVcpusFlags.self) { args, ctx in
            try checkFlags(args.flags, allowed: 3 | maximum | guest, Remote.DomainGetVcpusFlags.info.api)
            return DomainGetVcpusFlagsRet(num: try await vcpuCount(ctx, args.dom, flags: args.flags))
        }
        table.on(Remote.DomainGetMaxVcpus.self) { args, ctx in
            DomainGetMaxVcpusRet(num: try await vcpuCount(ctx, args.dom, flags: ModificationImpact.live | maximum))
        }
        table.on(Remote.DomainSetVcpus.self) { args, ctx in
            try await setVCPUs(ctx, args.dom, Int(args.nvcpus), flags: ModificationImpact.live)
            return XDRVoid()
        }
        table.on(Remote.DomainSetVcpusFlags.self) { args, ctx in
            try checkFlags(args.flags, allowed: 3 | maximum | guest | hotpluggable, Remote.DomainSetVcpusFlags.info.api)
            try await setVCPUs(ctx, args.dom, Int(args.nvcpus), flags: args.flags)
            return XDRVoid()
        }
    }

    /// REMOTE_VCPUINFO_MAX and REMOTE_CPUMAPS_MAX: what one reply may carry.
    static let (vcpuInfoMax, cpumapsMax) = (16384, 8_388_608)

    /// virDomainGetVcpus and virDomainGetVcpuPinInfo: per vCPU, a bitmap of host CPUs, `maplen` bytes each.
    static func registerInfo(into table: inout RouteTable) {
        table.on(Remote.DomainGetVcpus.self) { args, ctx in
            let (count, maplen) = (Int(args.maxinfo), Int(args.maplen))
            try checkMapSize(count, maplen, "maxinfo")
            let rec = try await ctx.registry.record(args.dom.domainUUID())
            guard rec.isActive else {
                throw VirtError(
                    .operationInvalid, domain: .qemu, detail: "cannot retrieve vcpu information for inactive domain")
            }
            guard let hotplug = rec.running as? any GuestVCPUHotplug else {
                throw Dispatcher.notSupported(Remote.DomainGetVcpus.info)
            }
            let vcpus = Array(try await hotplug.vcpuRuntime().prefix(count))
            var maps = [UInt8](repeating: 0, count: count * maplen)
            for (i, vcpu) in vcpus.enumerated() {
                setBits(&maps, at: i * maplen, maplen, vcpu.affinity ?? hostCPUs())
            }
            let info = vcpus.map {
                RemoteVcpuInfo(number: UInt32($0.index), state: 1, cpuTime: $0.cpuTimeNanoseconds, cpu: $0.hostCPU)
            }
            return DomainGetVcpusRet(info: info, cpumaps: maps)
        }
        table.on(Remote.DomainGetVcpuPinInfo.self) { args, ctx in
            try checkFlags(args.flags, allowed: 3, Remote.DomainGetVcpuPinInfo.info.api)
            let (count, maplen) = (Int(args.ncpumaps), Int(args.maplen))
            try checkMapSize(count, maplen, "ncpumaps")
            let def = try await ctx.registry.oneDefinition(args.dom.domainUUID(), flags: args.flags)
            var maps = [UInt8](repeating: 0, count: count * maplen)
            for i in 0..<min(def.vcpus, count) {
                let pin = def.tuning.cputune?.vcpupins.first { $0.id == i }?.cpuset
                setBits(&maps, at: i * maplen, maplen, pin ?? def.tuning.vcpuCPUSet ?? hostCPUs())
            }
            return DomainGetVcpuPinInfoRet(cpumaps: maps, num: Int32(def.vcpus))
        }
    }

    /// The remote daemon's limits on the maps a client asks for.
    private static func checkMapSize(_ count: Int, _ maplen: Int, _ what: String) throws {
        if count > vcpuInfoMax {
            throw VirtError(.internalError, domain: .rpc, detail: "\(what) > REMOTE_VCPUINFO_MAX")
        }
        if count * maplen > cpumapsMax {
            throw VirtError(.internalError, domain: .rpc, detail: "maxinfo * maplen > REMOTE_CPUMAPS_MAX")
        }
    }

    /// The host's online CPUs.
    static func hostCPUs() -> CPUSet {
        let online = (try? String(contentsOfFile: "/sys/devices/system/cpu/online", encoding: .utf8)) ?? ""
        return CPUSet(parsing: online.trimmingWhitespace()) ?? CPUSet([0])
    }

    private static func setBits(_ maps: inout [UInt8], at offset: Int, _ maplen: Int, _ set: CPUSet) {
        for cpu in set.members where cpu / 8 < maplen { maps[offset + cpu / 8] |= UInt8(1) << UInt8(cpu % 8) }
    }

    /// qemuDomainGetVcpusFlags.
    private static func vcpuCount(_ ctx: CallContext, _ dom: RemoteNonnullDomain, flags: UInt32) async throws -> Int32 {
        let uuid = try dom.domainUUID()
        let def = try await ctx.registry.oneDefinition(uuid, flags: flags)
        if flags & guest != 0 {
            let rec = try await ctx.registry.record(uuid)
            guard rec.isActive else {
                throw VirtError(
                    .invalidArg, domain: .qemu,
                    detail: "vCPU count provided by the guest agent can only be requested for live domains")
            }
            guard let hotplug = rec.running as? any GuestVCPUHotplug else {
                throw Dispatcher.notSupported(Remote.DomainGetVcpusFlags.info)
            }
            return Int32(try await hotplug.agentVCPUCount(maximum: flags & maximum != 0))
        }
        return Int32(flags & maximum != 0 ? def.vcpus : def.currentVcpus ?? def.vcpus)
    }

    /// qemuDomainSetVcpusFlags: the maximum (config only), or the online count: hotplug in the running domain,
    /// `<vcpu current=...>` in the definitions.
    private static func setVCPUs(_ ctx: CallContext, _ dom: RemoteNonnullDomain, _ count: Int, flags: UInt32)
        async throws
    {
        // Inside the guest (with nothing else asked), as libvirt's agent job: no domain job held while the agent
        // works, so a guest whose agent does not answer can still be destroyed.
        if flags & ~UInt32(1) == guest {
            let rec = try await ctx.registry.record(dom.domainUUID())
            guard rec.isActive, let running = rec.running else {
                throw VirtError(.operationInvalid, domain: .qemu, detail: "domain is not running")
            }
            guard let hotplug = running as? any GuestVCPUHotplug else {
                throw Dispatcher.notSupported(Remote.DomainSetVcpusFlags.info)
            }
            try await hotplug.setAgentVCPUs(count)
            return
        }
        try await ctx.registry.changeDefinitions(dom.domainUUID(), flags: flags) { change in
            if flags & guest != 0 {
                guard let running = change.running else {
                    throw VirtError(.operationInvalid, domain: .qemu, detail: "domain is not running")
                }
                guard let hotplug = running as? any GuestVCPUHotplug else {
                    throw Dispatcher.notSupported(Remote.DomainSetVcpusFlags.info)
                }
                try await hotplug.setAgentVCPUs(count)
                return
            }
            if flags & maximum != 0 {
                if change.live != nil {
                    throw VirtError(
                        .operationUnsupported, domain: .qemu,
                        detail: "maximum vcpu count of a live domain can't be modified")
                }
                try change.config?.setMaximumVCPUs(count)
                return
            }
            if let live = change.live, count > live.vcpus {
                throw VirtError(
                    .invalidArg, domain: .qemu,
                    detail: "requested vcpus is greater than max allowable vcpus for the live domain: \(count) > \(live.vcpus)")
            }
            if let config = change.config, count > config.vcpus {
                throw VirtError(
                    .invalidArg, domain: .qemu,
                    detail:
                        "requested vcpus is greater than max allowable vcpus for the persistent domain: \(count) > \(config.vcpus)"
                )
            }
            if change.live != nil {
                guard let hotplug = change.running as? any GuestVCPUHotplug else {
                    throw Dispatcher.notSupported(Remote.DomainSetVcpusFlags.info)
                }
                do {
                    let reached = try await hotplug.setOnlineVCPUs(count)
                    change.live?.setOnlineVCPUs(reached)
                } catch let partial as VCPUHotplugPartial {
                    change.live?.setOnlineVCPUs(partial.reached)
                    throw partial.error
                }
            }
            change.config?.setOnlineVCPUs(count, hotpluggable: flags & hotpluggable != 0)
        }
    }
}

extension DomainDefinition {
    /// `count` vCPUs online: `<vcpu current=...>` (absent when all are) and, when the vCPUs are listed one by one
    /// (`<vcpus>`, or from now on when `hotpluggable` brings new ones online), their states as libvirt's
    /// qemuDomainSetVcpusConfig sets them: new ones online from the first, hot-pluggable if asked (or if an
    /// online one before them is); ones taken offline from the last, hot-pluggable.
    mutating func setOnlineVCPUs(_ count: Int, hotpluggable: Bool = false) {
        let online = currentVcpus ?? vcpus
        let individual = !tuning.vcpuList.isEmpty || (hotpluggable && count > online)
        var list = tuning.vcpuList
        if list.isEmpty {
            // What libvirt's parser gives vCPUs not listed: online ones not hot-pluggable, offline ones hot-pluggable.
            list = (0..<vcpus).map { DomainTuning.VCPU(id: $0, enabled: $0 < online, hotpluggable: $0 >= online) }
        }
        var current = list.filter(\.enabled).count
        var plug = hotpluggable
        if current < count {
            for i in list.indices where current < count {
                if list[i].enabled {
                    if list[i].hotpluggable == true { plug = true }
                    continue
                }
                list[i].enabled = true
                list[i].hotpluggable = plug
                current += 1
            }
        } else {
            for i in list.indices.reversed() where current > count && list[i].enabled {
                list[i].enabled = false
                list[i].hotpluggable = true
                current -= 1
            }
        }
        currentVcpus = count == vcpus ? nil : count
        if individual { tuning.vcpuList = list.map { DomainTuning.VCPU(id: $0.id, enabled: $0.enabled, hotpluggable: $0.hotpluggable) } }
    }

    /// qemuDomainSetVcpusMax on a persistent definition: the topology must agree; vCPUs beyond the new maximum
    /// go, new ones come offline.
    mutating func setMaximumVCPUs(_ count: Int) throws {
        let numaCPUs = cpu?.numaCells.reduce(0) { $0 + ($1.cpus?.members.count ?? 0) } ?? 0
        if numaCPUs > count {
            throw VirtError(
                .invalidArg, domain: .qemu, detail: "Number of CPUs in <numa> exceeds the desired maximum vcpu count")
        }
        if let t = cpu?.topology, t.sockets * (t.dies ?? 1) * t.cores * t.threads != count {
            throw VirtError(.invalidArg, domain: .qemu, detail: "CPU topology doesn't match the desired vcpu count")
        }
        let online = min(currentVcpus ?? vcpus, count)
        if !tuning.vcpuList.isEmpty {
            tuning.vcpuList = Array(tuning.vcpuList.prefix(count))
            for id in tuning.vcpuList.count..<count {
                tuning.vcpuList.append(DomainTuning.VCPU(id: id, enabled: false))
            }
        }
        vcpus = count
        currentVcpus = online == count ? nil : online
    }
}
