import SwiftVirtCore
import SwiftVirtWire

/// Lookups, listings and read-only facts about domains.
enum DomainQueryRoutes {
    static func register(into table: inout RouteTable) {
        table.on(Remote.DomainLookupByName.self) {
            (args: DomainLookupByNameArgs, ctx) in
            DomainLookupByNameRet(dom: try await ctx.registry.lookup(name: args.name).wire)
        }
        table.on(Remote.DomainLookupByUUID.self) {
            (args: DomainLookupByUuidArgs, ctx) in
            guard let uuid = DomainUUID(bytes: args.uuid) else { throw DaemonError.invalidArgument("malformed uuid") }
            return DomainLookupByUuidRet(dom: try await ctx.registry.lookup(uuid: uuid).wire)
        }
        table.on(Remote.DomainLookupByID.self) {
            (args: DomainLookupByIdArgs, ctx) in
            DomainLookupByIdRet(dom: try await ctx.registry.lookup(id: args.id).wire)
        }
        table.on(Remote.ConnectListAllDomains.self) {
            (args: ConnectListAllDomainsArgs, ctx) in
            let records = try await filtered(ctx.registry.summaries(), flags: args.flags)
            let domains = args.needResults != 0 ? records.map { $0.identity.wire } : []
            return ConnectListAllDomainsRet(domains: domains, ret: UInt32(records.count))
        }
        table.on(Remote.ConnectNumOfDomains.self) { ctx in
            ConnectNumOfDomainsRet(num: Int32(await ctx.registry.summaries().filter(\.isActive).count))
        }
        table.on(Remote.ConnectListDomains.self) {
            (args: ConnectListDomainsArgs, ctx) in
            let ids = await ctx.registry.summaries().filter(\.isActive).map(\.identity.id)
            return ConnectListDomainsRet(ids: Array(ids.prefix(Int(max(0, args.maxids)))))
        }
        table.on(Remote.ConnectNumOfDefinedDomains.self) { ctx in
            ConnectNumOfDefinedDomainsRet(num: Int32(await ctx.registry.summaries().filter { !$0.isActive }.count))
        }
        table.on(Remote.ConnectListDefinedDomains.self) { (args: ConnectListDefinedDomainsArgs, ctx) in
            let names = await ctx.registry.summaries().filter { !$0.isActive }.map(\.identity.name)
            return ConnectListDefinedDomainsRet(names: Array(names.prefix(Int(max(0, args.maxnames)))))
        }
        table.on(Remote.DomainGetXMLDesc.self) {
            (args: DomainGetXmlDescArgs, ctx) in
            // SECURE 1, INACTIVE 2, UPDATE_CPU 4, MIGRATABLE 8
            try checkFlags(args.flags, allowed: 0xF, "virDomainGetXMLDesc")
            let secure = args.flags & 1 != 0
            if secure && ctx.session.isReadOnly {
                throw VirtError(.operationDenied, domain: .domain, detail: "virDomainGetXMLDesc with secure flag")
            }
            let xml = try await ctx.registry.xmlDescription(
                args.dom.domainUUID(), inactive: args.flags & 2 != 0, secure: secure, migratable: args.flags & 8 != 0)
            return DomainGetXmlDescRet(xml: xml)
        }
        table.on(Remote.DomainGetInfo.self) {
            (args: DomainGetInfoArgs, ctx) in
            let rec = try await ctx.registry.record(args.dom.domainUUID())
            let def = rec.live ?? rec.config
            let cpuTime = await rec.running?.cpuTimeNanoseconds() ?? 0
            // A running guest has what its balloon holds (libvirt's cur_balloon, kept by QEMU's BALLOON_CHANGE
            // events); without a balloon, all of its memory.
            let ballooned = def.devices.memballoon.map { $0.model != .none } ?? false
            let memory = rec.isActive && !ballooned ? def.memoryKiB : def.currentMemoryKiB
            return DomainGetInfoRet(
                state: UInt8(rec.state.rawValue), maxMem: def.memoryKiB, memory: memory,
                nrVirtCpu: UInt16(clamping: def.currentVcpus ?? def.vcpus), cpuTime: cpuTime)
        }
        table.on(Remote.DomainGetState.self) {
            (args: DomainGetStateArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "virDomainGetState")
            let rec = try await ctx.registry.record(args.dom.domainUUID())
            return DomainGetStateRet(state: rec.state.rawValue, reason: rec.reason.rawValue)
        }
        table.on(Remote.DomainGetOSType.self) {
            (args: DomainGetOsTypeArgs, ctx) in
            let rec = try await ctx.registry.record(args.dom.domainUUID())
            return DomainGetOsTypeRet(type: ctx.hypervisor.osType(of: rec.config))
        }
        table.on(Remote.DomainIsActive.self) {
            (args: DomainIsActiveArgs, ctx) in
            DomainIsActiveRet(active: try await ctx.registry.record(args.dom.domainUUID()).isActive ? 1 : 0)
        }
        table.on(Remote.DomainIsPersistent.self) {
            (args: DomainIsPersistentArgs, ctx) in
            DomainIsPersistentRet(persistent: try await ctx.registry.record(args.dom.domainUUID()).persistent ? 1 : 0)
        }
        table.on(Remote.DomainGetAutostart.self) {
            (args: DomainGetAutostartArgs, ctx) in
            DomainGetAutostartRet(autostart: try await ctx.registry.record(args.dom.domainUUID()).autostart ? 1 : 0)
        }
        table.on(Remote.DomainHasManagedSaveImage.self) { (args: DomainHasManagedSaveImageArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "virDomainHasManagedSaveImage")
            _ = try await ctx.registry.record(args.dom.domainUUID())
            return DomainHasManagedSaveImageRet(result: 0)  // managed save does not exist here yet
        }
        table.on(Remote.DomainGetMessages.self) { args, ctx in
            // VIR_DOMAIN_MESSAGE_DEPRECATION 1, _TAINTING 2; none asks for both.
            try checkFlags(args.flags, allowed: 3, Remote.DomainGetMessages.info.api)
            let rec = try await ctx.registry.record(args.dom.domainUUID())
            var msgs: [String] = []
            if args.flags == 0 || args.flags & 2 != 0, let monitor = rec.running as? any MonitorPassthrough {
                msgs += await monitor.taints().map { "tainted: \($0.message)" }
            }
            return DomainGetMessagesRet(msgs: msgs)
        }
        table.on(Remote.DomainGetSecurityLabel.self) {
            (args: DomainGetSecurityLabelArgs, ctx) in
            let rec = try await ctx.registry.record(args.dom.domainUUID())
            guard let (label, enforcing) = ctx.hypervisor.securityLabel(of: rec.config) else {
                return DomainGetSecurityLabelRet(label: [0], enforcing: 0)
            }
            return DomainGetSecurityLabelRet(label: XDRChars.nulTerminated(label), enforcing: enforcing ? 1 : 0)
        }
    }

    /// virConnectListAllDomains' filter flags; each group filters only when one of its bits is set.
    static func filtered<D: DomainListingFacts>(_ records: [D], flags: UInt32) throws -> [D] {
        try checkFlags(flags, allowed: 0xFFFF, "virConnectListAllDomains")
        func group(_ a: UInt32, _ b: UInt32, _ isA: @escaping (D) -> Bool) -> (D) -> Bool {
            let wantA = flags & a != 0
            let wantB = flags & b != 0
            if wantA == wantB { return { _ in true } }
            return { wantA ? isA($0) : !isA($0) }
        }
        let active = group(1, 2) { $0.isActive }
        let persistent = group(4, 8) { $0.persistent }
        let managedSave = group(256, 512) { _ in false }
        let autostart = group(1024, 2048) { $0.autostart }
        let snapshot = group(4096, 8192) { _ in false }
        let checkpoint = group(16384, 32768) { _ in false }
        let stateBits = flags & (16 | 32 | 64 | 128)
        return records.filter { rec in
            guard active(rec), persistent(rec), managedSave(rec), autostart(rec), snapshot(rec), checkpoint(rec)
            else { return false }
            if stateBits == 0 { return true }
            switch rec.state {
            case .running: return stateBits & 16 != 0
            case .paused: return stateBits & 32 != 0
            case .shutoff: return stateBits & 64 != 0
            default: return stateBits & 128 != 0
            }
        }
    }
}
