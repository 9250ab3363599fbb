import SwiftVirtCore
import SwiftVirtSystem
import SwiftVirtWire

/// The host interface procedures, read-only, as libvirt 9.0's udev interface backend answers them (defining,
/// starting and changing host interfaces is not supported there either).
enum InterfaceRoutes {
    static func register(into table: inout RouteTable) {
        table.on(Remote.ConnectListAllInterfaces.self) { (args: ConnectListAllInterfacesArgs, ctx) in
            // VIR_CONNECT_LIST_INTERFACES_INACTIVE 1, ACTIVE 2
            try checkFlags(args.flags, allowed: 3, "udevConnectListAllInterfaces")
            let f = args.flags
            let found = try await listed(ctx).filter { f == 0 || (f & 2 != 0 && $0.active) || (f & 1 != 0 && !$0.active) }
            return ConnectListAllInterfacesRet(
                ifaces: args.needResults != 0 ? found.map { RemoteNonnullInterface(name: $0.name, mac: $0.mac) } : [],
                ret: UInt32(found.count))
        }
        table.on(Remote.ConnectNumOfInterfaces.self) { ctx in
            ConnectNumOfInterfacesRet(num: Int32(try await listed(ctx).filter { $0.operstate == "up" }.count))
        }
        table.on(Remote.ConnectListInterfaces.self) { (args: ConnectListInterfacesArgs, ctx) in
            let names = try await listed(ctx).filter { $0.operstate == "up" }.map(\.name)
            return ConnectListInterfacesRet(names: Array(names.prefix(Int(max(0, args.maxnames)))))
        }
        table.on(Remote.ConnectNumOfDefinedInterfaces.self) { ctx in
            ConnectNumOfDefinedInterfacesRet(num: Int32(try await listed(ctx).filter { $0.operstate == "down" }.count))
        }
        table.on(Remote.ConnectListDefinedInterfaces.self) { (args: ConnectListDefinedInterfacesArgs, ctx) in
            let names = try await listed(ctx).filter { $0.operstate == "down" }.map(\.name)
            return ConnectListDefinedInterfacesRet(names: Array(names.prefix(Int(max(0, args.maxnames)))))
        }
        table.on(Remote.InterfaceLookupByName.self) { (args: InterfaceLookupByNameArgs, ctx) in
            let i = try await find(ctx, args.name)
            return InterfaceLookupByNameRet(iface: RemoteNonnullInterface(name: i.name, mac: i.mac))
        }
        table.on(Remote.InterfaceLookupByMACString.self) { (args: InterfaceLookupByMacStringArgs, ctx) in
            let matches = try await listed(ctx).filter { $0.mac == args.mac }
            guard let first = matches.first else {
                throw VirtError(
                    .noInterface, domain: .interface, detail: "couldn't find interface with MAC address '\(args.mac)'")
            }
            guard matches.count == 1 else {
                throw VirtError(
                    .multipleInterfaces, domain: .interface,
                    detail: "the MAC address '\(args.mac)' matches multiple interfaces")
            }
            return InterfaceLookupByMacStringRet(iface: RemoteNonnullInterface(name: first.name, mac: first.mac))
        }
        table.on(Remote.InterfaceGetXMLDesc.self) { (args: InterfaceGetXmlDescArgs, ctx) in
            try checkFlags(args.flags, allowed: 1, "udevInterfaceGetXMLDesc")  // INACTIVE: the same description
            return InterfaceGetXmlDescRet(xml: HostInterface.format(try await describe(ctx, args.iface.name)))
        }
        table.on(Remote.InterfaceIsActive.self) { (args: InterfaceIsActiveArgs, ctx) in
            InterfaceIsActiveRet(active: try await find(ctx, args.iface.name).active ? 1 : 0)
        }
    }

    /// Only the host's own connections (`qemu`) see its interfaces: libvirt's test driver has its own.
    private static func hostOnly(_ ctx: CallContext) throws {
        guard ctx.driver.scheme == "qemu" else {
            throw VirtError(.noSupport, domain: .interface, detail: "host interfaces of the \(ctx.driver.scheme) driver")
        }
    }

    static func listed(_ ctx: CallContext) async throws -> [HostInterfaceScanner.Listed] {
        try hostOnly(ctx)
        return await BlockingIO.run { HostInterfaceScanner.list() }
    }

    static func find(_ ctx: CallContext, _ name: String) async throws -> HostInterfaceScanner.Listed {
        try hostOnly(ctx)
        return try await BlockingIO.run { try HostInterfaceScanner.find(name) }
    }

    static func describe(_ ctx: CallContext, _ name: String) async throws -> HostInterface {
        try hostOnly(ctx)
        return try await BlockingIO.run { try HostInterfaceScanner.describe(name) }
    }
}
