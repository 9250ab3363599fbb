import SwiftVirtCore
import SwiftVirtWire

/// The nwfilter procedures (libvirt's nwfilter driver, shared by every connection): filters and their bindings.
enum NWFilterRoutes {
    static func register(into table: inout RouteTable) {
        registerFilterQueries(into: &table)
        registerFilterChanges(into: &table)
        registerBindings(into: &table)
    }

    private static func registerFilterQueries(into table: inout RouteTable) {
        table.on(Remote.ConnectNumOfNwfilters.self) { ctx in
            ConnectNumOfNwfiltersRet(num: Int32(await ctx.nwfilters.all().count))
        }
        table.on(Remote.ConnectListNwfilters.self) { (args: ConnectListNwfiltersArgs, ctx) in
            let names = await ctx.nwfilters.all().map(\.name)
            return ConnectListNwfiltersRet(names: Array(names.prefix(Int(max(0, args.maxnames)))))
        }
        table.on(Remote.ConnectListAllNwfilters.self) { (args: ConnectListAllNwfiltersArgs, ctx) in
            try checkDriverFlags(args.flags, allowed: 0, "nwfilterConnectListAllNWFilters")
            let all = await ctx.nwfilters.all()
            return ConnectListAllNwfiltersRet(
                filters: args.needResults != 0 ? all.map(\.wire) : [], ret: UInt32(all.count))
        }
        table.on(Remote.NWFilterLookupByName.self) { (args: NwfilterLookupByNameArgs, ctx) in
            NwfilterLookupByNameRet(nwfilter: try await ctx.nwfilters.filter(named: args.name).wire)
        }
        table.on(Remote.NWFilterLookupByUUID.self) { (args: NwfilterLookupByUuidArgs, ctx) in
            NwfilterLookupByUuidRet(nwfilter: try await ctx.nwfilters.filter(try filterUUID(args.uuid)).wire)
        }
        table.on(Remote.NWFilterGetXMLDesc.self) { (args: NwfilterGetXmlDescArgs, ctx) in
            try checkDriverFlags(args.flags, allowed: 0, "nwfilterGetXMLDesc")
            let def = try await ctx.nwfilters.filter(try filterUUID(args.nwfilter.uuid))
            return NwfilterGetXmlDescRet(xml: NWFilterXML.format(def))
        }
    }

    private static func registerFilterChanges(into table: inout RouteTable) {
        table.on(Remote.NWFilterDefineXML.self, waits: true) { (args: NwfilterDefineXmlArgs, ctx) in
            NwfilterDefineXmlRet(nwfilter: try await ctx.nwfilters.define(xml: args.xml).wire)
        }
        table.on(Remote.NWFilterDefineXMLFlags.self, waits: true) { (args: NwfilterDefineXmlFlagsArgs, ctx) in
            try checkDriverFlags(args.flags, allowed: 1, "nwfilterDefineXMLFlags")
            if args.flags & 1 != 0 {  // VIR_NWFILTER_DEFINE_VALIDATE: libvirt's schema, after the root is checked
                _ = try XMLDocumentRoot.parse(args.xml, root: "filter", name: "nwfilter_definition")
                try await SchemaValidation.validate(args.xml, schema: "nwfilter")
            }
            return NwfilterDefineXmlFlagsRet(nwfilter: try await ctx.nwfilters.define(xml: args.xml).wire)
        }
        table.on(Remote.NWFilterUndefine.self, waits: true) { (args: NwfilterUndefineArgs, ctx) in
            try await ctx.nwfilters.undefine(try filterUUID(args.nwfilter.uuid))
            return XDRVoid()
        }
    }

    private static func registerBindings(into table: inout RouteTable) {
        table.on(Remote.ConnectListAllNWFilterBindings.self) { (args: ConnectListAllNwfilterBindingsArgs, ctx) in
            try checkDriverFlags(args.flags, allowed: 0, "nwfilterConnectListAllNWFilterBindings")
            let all = await ctx.nwfilters.allBindings()
            return ConnectListAllNwfilterBindingsRet(
                bindings: args.needResults != 0 ? all.map(\.wire) : [], ret: UInt32(all.count))
        }
        table.on(Remote.NWFilterBindingLookupByPortDev.self) { (args: NwfilterBindingLookupByPortDevArgs, ctx) in
            NwfilterBindingLookupByPortDevRet(nwfilter: try await ctx.nwfilters.binding(args.name).wire)
        }
        table.on(Remote.NWFilterBindingGetXMLDesc.self) { (args: NwfilterBindingGetXmlDescArgs, ctx) in
            try checkDriverFlags(args.flags, allowed: 0, "nwfilterBindingGetXMLDesc")
            return NwfilterBindingGetXmlDescRet(xml: try await ctx.nwfilters.binding(args.nwfilter.portdev).xml)
        }
        table.on(Remote.NWFilterBindingCreateXML.self, waits: true) { (args: NwfilterBindingCreateXmlArgs, ctx) in
            try checkDriverFlags(args.flags, allowed: 1, "nwfilterBindingCreateXML")
            if args.flags & 1 != 0 {  // VIR_NWFILTER_BINDING_CREATE_VALIDATE
                _ = try XMLDocumentRoot.parse(args.xml, root: "filterbinding", name: "nwfilterbinding_definition")
                try await SchemaValidation.validate(args.xml, schema: "nwfilterbinding")
            }
            let b = try NWFilterBinding.parse(args.xml)
            return NwfilterBindingCreateXmlRet(nwfilter: try await ctx.nwfilters.create(b).wire)
        }
        table.on(Remote.NWFilterBindingDelete.self, waits: true) { (args: NwfilterBindingDeleteArgs, ctx) in
            try await ctx.nwfilters.delete(port: args.nwfilter.portdev)
            return XDRVoid()
        }
    }

    /// The nwfilter driver's own flag check (virCheckFlags there): libvirt's bare words, nwfilter error domain.
    static func checkDriverFlags(_ flags: UInt32, allowed: UInt32, _ function: String) throws {
        let extra = flags & ~allowed
        guard extra != 0 else { return }
        var error = VirtError(.invalidArg, domain: .nwfilter)
        error.message = "unsupported flags (0x\(String(extra, radix: 16))) in function \(function)"
        throw error
    }

    static func filterUUID(_ bytes: [UInt8]) throws -> DomainUUID {
        guard let uuid = DomainUUID(bytes: bytes) else { throw DaemonError.invalidArgument("malformed nwfilter uuid") }
        return uuid
    }
}

extension NWFilterDefinition {
    var wire: RemoteNonnullNwfilter { RemoteNonnullNwfilter(name: name, uuid: uuid.bytes) }
}

extension NWFilterBinding {
    var wire: RemoteNonnullNwfilterBinding { RemoteNonnullNwfilterBinding(portdev: portDev, filtername: filter.filter) }
}

extension CallContext {
    var nwfilters: NWFilterRegistry { services.nwfilters }
}
