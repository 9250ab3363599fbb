import SwiftVirtCore
import SwiftVirtWire

/// Live and config changes of memory and metadata (virsh setmem, setmaxmem, desc, metadata), with libvirt 9.0's
/// QEMU driver checks and messages. vCPU changes are in Routes+DomainVCPUs.swift.
enum DomainChangeRoutes {
    /// VIR_DOMAIN_MEM_MAXIMUM
    static let memMaximum: UInt32 = 4

    static func register(into table: inout RouteTable) {
        table.on(Remote.DomainSetMemory.self) { args, ctx in
            try await setMemory(ctx, args.dom, args.memory, flags: ModificationImpact.live)
            return XDRVoid()
        }
        table.on(Remote.DomainSetMaxMemory.self) { args, ctx in
            try await setMemory(ctx, args.dom, args.memory, flags: memMaximum)
            return XDRVoid()
        }
        table.on(Remote.DomainSetMemoryFlags.self) { args, ctx in
            try checkFlags(args.flags, allowed: 3 | memMaximum, Remote.DomainSetMemoryFlags.info.api)
            try await setMemory(ctx, args.dom, args.memory, flags: args.flags)
            return XDRVoid()
        }
        table.on(Remote.DomainGetMaxMemory.self) { args, ctx in
            let rec = try await ctx.registry.record(args.dom.domainUUID())
            return DomainGetMaxMemoryRet(memory: (rec.live ?? rec.config).memoryKiB)
        }
        table.on(Remote.DomainSetMetadata.self) { args, ctx in
            try checkFlags(args.flags, allowed: 3, Remote.DomainSetMetadata.info.api)
            let type = try DomainMetadataType.from(args.type)
            let uuid = try args.dom.domainUUID()
            try await ctx.registry.changeDefinitions(uuid, flags: args.flags) { change in
                try change.live?.setMetadata(type, args.metadata, key: args.key, uri: args.uri)
                try change.config?.setMetadata(type, args.metadata, key: args.key, uri: args.uri)
            }
            let identity = try await ctx.registry.lookup(uuid: uuid)
            ctx.registry.events.publish(
                DomainEventNotice(kind: .metadataChange, domain: identity, lifecycle: nil, metadata: (args.type, args.uri)))
            return XDRVoid()
        }
        table.on(Remote.DomainGetMetadata.self) { args, ctx in
            try checkFlags(args.flags, allowed: 3, Remote.DomainGetMetadata.info.api)
            let type = try DomainMetadataType.from(args.type)
            let def = try await ctx.registry.oneDefinition(args.dom.domainUUID(), flags: args.flags)
            return DomainGetMetadataRet(metadata: try def.metadata(type, uri: args.uri))
        }
    }

    /// qemuDomainSetMemoryFlags: the maximum (config only), or the current size: the balloon of the running
    /// domain and `<currentMemory>` of the definitions.
    private static func setMemory(_ ctx: CallContext, _ dom: RemoteNonnullDomain, _ kib: UInt64, flags: UInt32)
        async throws
    {
        try await ctx.registry.changeDefinitions(dom.domainUUID(), flags: flags) { change in
            if flags & memMaximum != 0 {
                if change.live != nil {
                    throw VirtError(
                        .operationInvalid, domain: .qemu, detail: "cannot resize the maximum memory on an active domain")
                }
                guard var config = change.config else { return }
                if !(config.cpu?.numaCells.isEmpty ?? true) {
                    throw VirtError(
                        .operationInvalid, domain: .qemu,
                        detail: "initial memory size of a domain with NUMA nodes cannot be modified with this API")
                }
                if let max = config.tuning.maxMemoryKiB, max < kib {
                    throw VirtError(
                        .operationInvalid, domain: .qemu,
                        detail: "cannot set initial memory size greater than the maximum memory size")
                }
                config.memoryKiB = kib
                config.currentMemoryKiB = min(config.currentMemoryKiB, kib)
                change.config = config
                return
            }
            var ceiling = change.live?.memoryKiB ?? 0
            if let config = change.config, change.live == nil || ceiling > config.memoryKiB {
                ceiling = config.memoryKiB
            }
            guard kib <= ceiling else {
                throw VirtError(.invalidArg, domain: .qemu, detail: "cannot set memory higher than max memory")
            }
            if change.live != nil {
                guard let balloon = change.running as? any GuestBalloon else {
                    throw Dispatcher.notSupported(Remote.DomainSetMemoryFlags.info)
                }
                // The live <currentMemory> follows the guest as QEMU reports it (BALLOON_CHANGE), as in libvirt.
                try await balloon.setBalloonTarget(kib: kib)
            }
            change.config?.currentMemoryKiB = kib
        }
    }
}
