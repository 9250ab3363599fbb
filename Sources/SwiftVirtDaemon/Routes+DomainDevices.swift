import SwiftVirtCore
import SwiftVirtWire

/// `virsh attach-device`, `detach-device`, `update-device`, `attach-disk`, `detach-disk`, `change-media`.
enum DomainDeviceRoutes {
    /// VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG
    static let affect: UInt32 = 3
    /// VIR_DOMAIN_DEVICE_MODIFY_FORCE (update-device --force: eject a locked tray)
    static let force: UInt32 = 4

    static func register(into table: inout RouteTable) {
        table.on(Remote.DomainAttachDevice.self, waits: true) { args, ctx in
            try await ctx.registry.changeDevice(
                try args.dom.domainUUID(), xml: args.xml, .attach, flags: DomainRegistry.affectLive)
            return XDRVoid()
        }
        table.on(Remote.DomainAttachDeviceFlags.self, waits: true) { args, ctx in
            try checkFlags(args.flags, allowed: affect, Remote.DomainAttachDeviceFlags.info.api)
            try await ctx.registry.changeDevice(try args.dom.domainUUID(), xml: args.xml, .attach, flags: args.flags)
            return XDRVoid()
        }
        table.on(Remote.DomainDetachDevice.self, waits: true) { args, ctx in
            try await ctx.registry.changeDevice(
                try args.dom.domainUUID(), xml: args.xml, .detach, flags: DomainRegistry.affectLive)
            return XDRVoid()
        }
        table.on(Remote.DomainDetachDeviceFlags.self, waits: true) { args, ctx in
            try checkFlags(args.flags, allowed: affect, Remote.DomainDetachDeviceFlags.info.api)
            try await ctx.registry.changeDevice(try args.dom.domainUUID(), xml: args.xml, .detach, flags: args.flags)
            return XDRVoid()
        }
        table.on(Remote.DomainBlockResize.self, waits: true) { args, ctx in
            // VIR_DOMAIN_BLOCK_RESIZE_BYTES; without it the size is KiB.
            try checkFlags(args.flags, allowed: 1, Remote.DomainBlockResize.info.api)
            var bytes = args.size
            if args.flags & 1 == 0 {
                guard bytes <= UInt64.max / 1024 else {
                    throw VirtError(.overflow, detail: "size must be less than \(UInt64.max / 1024)")
                }
                bytes *= 1024
            }
            try await ctx.registry.resizeDisk(try args.dom.domainUUID(), disk: args.disk, bytes: bytes)
            return XDRVoid()
        }
        table.on(Remote.DomainUpdateDeviceFlags.self, waits: true) { args, ctx in
            try checkFlags(args.flags, allowed: affect | force, Remote.DomainUpdateDeviceFlags.info.api)
            try await ctx.registry.changeDevice(
                try args.dom.domainUUID(), xml: args.xml, .update, flags: args.flags & affect)
            return XDRVoid()
        }
    }
}
