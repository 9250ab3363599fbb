import SwiftVirtCore
import SwiftVirtWire

/// Procedures that change domains.
enum DomainLifecycleRoutes {
    static func register(into table: inout RouteTable) {
        table.on(Remote.DomainDefineXML.self, waits: true) {
            (args: DomainDefineXmlArgs, ctx) in
            DomainDefineXmlRet(dom: try await ctx.registry.define(xml: args.xml).wire)
        }
        table.on(Remote.DomainDefineXMLFlags.self, waits: true) {
            (args: DomainDefineXmlFlagsArgs, ctx) in
            // VALIDATE 1: against libvirt's schema; without it, what lies outside the schema is kept.
            try checkFlags(args.flags, allowed: 1, "virDomainDefineXMLFlags")
            if args.flags & 1 != 0 { try await SchemaValidation.validate(args.xml, schema: "domain") }
            return DomainDefineXmlFlagsRet(dom: try await ctx.registry.define(xml: args.xml).wire)
        }
        table.on(Remote.DomainCreateXML.self) {
            (args: DomainCreateXmlArgs, ctx) in
            // START_PAUSED 1, VALIDATE 16
            try checkFlags(args.flags, allowed: 1 | 16, "virDomainCreateXML")
            if args.flags & 16 != 0 { try await SchemaValidation.validate(args.xmlDesc, schema: "domain") }
            let identity = try await ctx.registry.createTransient(xml: args.xmlDesc, paused: args.flags & 1 != 0)
            return DomainCreateXmlRet(dom: identity.wire)
        }
        table.on(Remote.DomainCreate.self) { (args: DomainCreateArgs, ctx) in
            _ = try await ctx.registry.start(args.dom.domainUUID(), paused: false)
            return XDRVoid()
        }
        table.on(Remote.DomainCreateWithFlags.self) {
            (args: DomainCreateWithFlagsArgs, ctx) in
            // START_PAUSED 1, FORCE_BOOT 8 (no managed save exists, so a fresh boot is what happens anyway)
            try checkFlags(args.flags, allowed: 1 | 8, "virDomainCreateWithFlags")
            let identity = try await ctx.registry.start(args.dom.domainUUID(), paused: args.flags & 1 != 0)
            return DomainCreateWithFlagsRet(dom: identity.wire)
        }
        table.on(Remote.DomainUndefine.self, waits: true) {
            (args: DomainUndefineArgs, ctx) in
            try await ctx.registry.undefine(args.dom.domainUUID())
            return XDRVoid()
        }
        table.on(Remote.DomainUndefineFlags.self, waits: true) {
            (args: DomainUndefineFlagsArgs, ctx) in
            // MANAGED_SAVE, SNAPSHOTS_METADATA, CHECKPOINTS_METADATA: none of these exist for our domains, so
            // removing "them too" is removing nothing. NVRAM, KEEP_NVRAM, TPM, KEEP_TPM: the driver's.
            try checkFlags(args.flags, allowed: 0x7F, "virDomainUndefineFlags")
            try await ctx.registry.undefine(
                args.dom.domainUUID(), flags: DomainUndefineFlags(rawValue: args.flags))
            return XDRVoid()
        }
        table.on(Remote.DomainDestroy.self, waits: true) {
            (args: DomainDestroyArgs, ctx) in
            try await ctx.registry.destroy(args.dom.domainUUID(), graceful: false)
            return XDRVoid()
        }
        table.on(Remote.DomainDestroyFlags.self, waits: true) {
            (args: DomainDestroyFlagsArgs, ctx) in
            try checkFlags(args.flags, allowed: 1, "virDomainDestroyFlags")
            try await ctx.registry.destroy(args.dom.domainUUID(), graceful: args.flags & 1 != 0)
            return XDRVoid()
        }
        table.on(Remote.DomainReset.self) { (args: DomainResetArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "virDomainReset")
            try await ctx.registry.reset(args.dom.domainUUID())
            return XDRVoid()
        }
        table.on(Remote.DomainSuspend.self) { (args: DomainSuspendArgs, ctx) in
            try await ctx.registry.suspend(args.dom.domainUUID())
            return XDRVoid()
        }
        table.on(Remote.DomainResume.self) { (args: DomainResumeArgs, ctx) in
            try await ctx.registry.resume(args.dom.domainUUID())
            return XDRVoid()
        }
        table.on(Remote.DomainSetAutostart.self, waits: true) {
            (args: DomainSetAutostartArgs, ctx) in
            try await ctx.registry.setAutostart(args.dom.domainUUID(), args.autostart != 0)
            return XDRVoid()
        }
    }
}
