import SwiftVirtCore
import SwiftVirtWire

/// The secret procedures (libvirt's secret driver, shared by every connection) and secret events.
enum SecretRoutes {
    /// VIR_CONNECT_LIST_SECRETS_EPHEMERAL 1 / NO_EPHEMERAL 2, PRIVATE 4 / NO_PRIVATE 8.
    static let listFilters: UInt32 = 0xF

    static func register(into table: inout RouteTable) {
        registerQueries(into: &table)
        registerChanges(into: &table)
        registerEvents(into: &table)
    }

    private static func registerQueries(into table: inout RouteTable) {
        table.on(Remote.ConnectListAllSecrets.self) { (args: ConnectListAllSecretsArgs, ctx) in
            try checkFlags(args.flags, allowed: listFilters, "secretConnectListAllSecrets")
            let f = args.flags
            func group(_ a: UInt32, _ b: UInt32, _ isA: Bool) -> Bool {
                f & (a | b) == 0 || (f & a != 0 && isA) || (f & b != 0 && !isA)
            }
            let found = await ctx.secrets.all().filter { group(1, 2, $0.ephemeral) && group(4, 8, $0.isPrivate) }
            return ConnectListAllSecretsRet(
                secrets: args.needResults != 0 ? found.map(\.wire) : [], ret: UInt32(found.count))
        }
        table.on(Remote.ConnectNumOfSecrets.self) { ctx in
            ConnectNumOfSecretsRet(num: Int32(await ctx.secrets.all().count))
        }
        table.on(Remote.ConnectListSecrets.self) { (args: ConnectListSecretsArgs, ctx) in
            let uuids = await ctx.secrets.all().map(\.uuid.description)
            return ConnectListSecretsRet(uuids: Array(uuids.prefix(Int(max(0, args.maxuuids)))))
        }
        table.on(Remote.SecretLookupByUUID.self) { (args: SecretLookupByUuidArgs, ctx) in
            guard let uuid = DomainUUID(bytes: args.uuid) else {
                throw DaemonError.invalidArgument("malformed secret uuid")
            }
            return SecretLookupByUuidRet(secret: try await ctx.secrets.definition(uuid).wire)
        }
        table.on(Remote.SecretLookupByUsage.self) { (args: SecretLookupByUsageArgs, ctx) in
            SecretLookupByUsageRet(
                secret: try await ctx.secrets.definition(usageType: args.usageType, id: args.usageID).wire)
        }
        table.on(Remote.SecretGetXMLDesc.self) { (args: SecretGetXmlDescArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "secretGetXMLDesc")
            return SecretGetXmlDescRet(xml: SecretXML.format(try await ctx.secrets.definition(args.secret.secretUUID())))
        }
        table.on(Remote.SecretGetValue.self) { (args: SecretGetValueArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "secretGetValue")
            return SecretGetValueRet(value: try await ctx.secrets.value(args.secret.secretUUID()))
        }
    }

    private static func registerChanges(into table: inout RouteTable) {
        table.on(Remote.SecretDefineXML.self, waits: true) { (args: SecretDefineXmlArgs, ctx) in
            try checkFlags(args.flags, allowed: 1, "secretDefineXML")
            if args.flags & 1 != 0 {  // VIR_SECRET_DEFINE_VALIDATE: libvirt's schema, after the root is checked
                _ = try SecretXML.root(args.xml)
                try await SchemaValidation.validate(args.xml, schema: "secret")
            }
            return SecretDefineXmlRet(secret: try await ctx.secrets.define(xml: args.xml).wire)
        }
        table.on(Remote.SecretSetValue.self, waits: true) { (args: SecretSetValueArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "secretSetValue")
            try await ctx.secrets.setValue(args.secret.secretUUID(), args.value)
            return XDRVoid()
        }
        table.on(Remote.SecretUndefine.self, waits: true) { (args: SecretUndefineArgs, ctx) in
            try await ctx.secrets.undefine(args.secret.secretUUID())
            return XDRVoid()
        }
    }

    private static func registerEvents(into table: inout RouteTable) {
        table.on(Remote.ConnectSecretEventRegisterAny.self) { (args: ConnectSecretEventRegisterAnyArgs, ctx) in
            let uuid = try args.secret?.secretUUID()
            guard args.eventID == SecretEventHub.lifecycleID || args.eventID == SecretEventHub.valueChangedID else {
                throw VirtError(.internalError, domain: .rpc, detail: "unsupported secret event ID \(args.eventID)")
            }
            return ConnectSecretEventRegisterAnyRet(
                callbackID: ctx.secrets.events.register(session: ctx.session, eventID: args.eventID, secret: uuid))
        }
        table.on(Remote.ConnectSecretEventDeregisterAny.self) { (args: ConnectSecretEventDeregisterAnyArgs, ctx) in
            guard ctx.secrets.events.deregister(session: ctx.session, id: args.callbackID) else {
                // libvirt 9.0's daemon words this refusal as its node device one.
                throw VirtError(
                    .internalError, domain: .rpc, detail: "node device event callback \(args.callbackID) not registered")
            }
            return XDRVoid()
        }
    }
}

extension RemoteNonnullSecret {
    func secretUUID() throws -> DomainUUID {
        guard let uuid = DomainUUID(bytes: uuid) else { throw DaemonError.invalidArgument("malformed secret uuid") }
        return uuid
    }
}

extension CallContext {
    var secrets: SecretRegistry { services.secrets }
}
