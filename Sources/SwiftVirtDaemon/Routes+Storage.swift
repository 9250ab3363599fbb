import SwiftVirtCore
import SwiftVirtWire

/// Storage pool procedures (virStoragePool*). Volumes are in Routes+StorageVolumes.swift.
enum StorageRoutes {
    static func register(into table: inout RouteTable) {
        StorageVolumeRoutes.register(into: &table)
        registerEvents(into: &table)
        table.on(Remote.ConnectFindStoragePoolSources.self, waits: true) {
            (args: ConnectFindStoragePoolSourcesArgs, _) throws -> ConnectFindStoragePoolSourcesRet in
            try checkFlags(args.flags, allowed: 0, "virConnectFindStoragePoolSources")
            return ConnectFindStoragePoolSourcesRet(
                xml: try await StoragePoolSources.find(type: args.type, spec: args.srcSpec))
        }
        table.on(Remote.ConnectListAllStoragePools.self) {
            (args: ConnectListAllStoragePoolsArgs, ctx) in
            try checkFlags(args.flags, allowed: (1 << 19) - 1, "virConnectListAllStoragePools")
            let pools = await ctx.storage.all().filter { matches($0, flags: args.flags) }
            return ConnectListAllStoragePoolsRet(
                pools: args.needResults != 0 ? pools.map(\.wire) : [], ret: UInt32(pools.count))
        }
        table.on(Remote.ConnectNumOfStoragePools.self) { ctx in
            ConnectNumOfStoragePoolsRet(num: Int32(await ctx.storage.all().filter(\.active).count))
        }
        table.on(Remote.ConnectNumOfDefinedStoragePools.self) { ctx in
            ConnectNumOfDefinedStoragePoolsRet(num: Int32(await ctx.storage.all().filter { !$0.active }.count))
        }
        table.on(Remote.ConnectListStoragePools.self) { args, ctx in
            ConnectListStoragePoolsRet(
                names: Array(await ctx.storage.all().filter(\.active).map(\.name).prefix(Int(max(0, args.maxnames)))))
        }
        table.on(Remote.ConnectListDefinedStoragePools.self) { args, ctx in
            ConnectListDefinedStoragePoolsRet(
                names: Array(
                    await ctx.storage.all().filter { !$0.active }.map(\.name).prefix(Int(max(0, args.maxnames)))))
        }
        table.on(Remote.StoragePoolLookupByName.self) {
            (args: StoragePoolLookupByNameArgs, ctx) in
            StoragePoolLookupByNameRet(pool: try await ctx.storage.record(name: args.name).wire)
        }
        table.on(Remote.StoragePoolLookupByUUID.self) {
            (args: StoragePoolLookupByUuidArgs, ctx) in
            guard let uuid = DomainUUID(bytes: args.uuid) else { throw StorageError.invalid("malformed uuid") }
            return StoragePoolLookupByUuidRet(pool: try await ctx.storage.record(uuid: uuid).wire)
        }
        table.on(Remote.StoragePoolLookupByVolume.self) {
            (args: StoragePoolLookupByVolumeArgs, ctx) in
            StoragePoolLookupByVolumeRet(pool: try await ctx.storage.record(name: args.vol.pool).wire)
        }
        table.on(Remote.StoragePoolDefineXML.self, waits: true) {
            (args: StoragePoolDefineXmlArgs, ctx) in
            try checkFlags(args.flags, allowed: 1, "virStoragePoolDefineXML")
            return StoragePoolDefineXmlRet(pool: try await ctx.storage.define(xml: args.xml).wire)
        }
        table.on(Remote.StoragePoolCreateXML.self) {
            (args: StoragePoolCreateXmlArgs, ctx) in
            try checkFlags(args.flags, allowed: 7, "virStoragePoolCreateXML")
            return StoragePoolCreateXmlRet(
                pool: try await ctx.storage.createTransient(xml: args.xml, build: StoragePoolRegistry.buildFlags(create: args.flags)).wire)
        }
        poolFlagsCall(&table, Remote.StoragePoolBuild.self, allowed: 15) { s, uuid, flags in
            try await s.build(uuid, flags: flags)
        }
        poolFlagsCall(&table, Remote.StoragePoolCreate.self, allowed: 7) { s, uuid, flags in
            try await s.start(uuid, build: StoragePoolRegistry.buildFlags(create: flags))
        }
        poolFlagsCall(&table, Remote.StoragePoolDelete.self, allowed: 0) { s, uuid, _ in
            try await s.delete(uuid)
        }
        poolFlagsCall(&table, Remote.StoragePoolRefresh.self, allowed: 0) { s, uuid, _ in
            try await s.refresh(uuid)
        }
        poolCall(&table, Remote.StoragePoolDestroy.self) { s, uuid in try await s.destroy(uuid) }
        poolCall(&table, Remote.StoragePoolUndefine.self) { s, uuid in try await s.undefine(uuid) }
        table.on(Remote.StoragePoolGetInfo.self) {
            (args: StoragePoolGetInfoArgs, ctx) in
            let (state, usage) = try await ctx.storage.info(try args.pool.poolUUID())
            return StoragePoolGetInfoRet(
                state: UInt8(state), capacity: usage?.capacity ?? 0, allocation: usage?.allocation ?? 0,
                available: usage?.available ?? 0)
        }
        table.on(Remote.StoragePoolGetXMLDesc.self) {
            (args: StoragePoolGetXmlDescArgs, ctx) in
            try checkFlags(args.flags, allowed: 1, "virStoragePoolGetXMLDesc")
            return StoragePoolGetXmlDescRet(xml: try await ctx.storage.xml(try args.pool.poolUUID(), inactive: args.flags & 1 != 0))
        }
        poolQuery(&table, Remote.StoragePoolIsActive.self) { StoragePoolIsActiveRet(active: $0.active ? 1 : 0) }
        poolQuery(&table, Remote.StoragePoolIsPersistent.self) { StoragePoolIsPersistentRet(persistent: $0.persistent ? 1 : 0) }
        poolQuery(&table, Remote.StoragePoolGetAutostart.self) { StoragePoolGetAutostartRet(autostart: $0.autostart ? 1 : 0) }
        table.on(Remote.StoragePoolSetAutostart.self, waits: true) {
            (args: StoragePoolSetAutostartArgs, ctx) in
            try await ctx.storage.setAutostart(try args.pool.poolUUID(), args.autostart != 0)
            return XDRVoid()
        }
        table.on(Remote.StoragePoolNumOfVolumes.self) {
            (args: StoragePoolNumOfVolumesArgs, ctx) in
            StoragePoolNumOfVolumesRet(num: Int32(try await ctx.storage.volumeNames(pool: args.pool.name).count))
        }
        table.on(Remote.StoragePoolListVolumes.self) {
            (args: StoragePoolListVolumesArgs, ctx) in
            StoragePoolListVolumesRet(
                names: Array(try await ctx.storage.volumeNames(pool: args.pool.name).prefix(Int(max(0, args.maxnames))))
            )
        }
    }

    /// virConnectListAllStoragePoolsFlags: the state pairs filter only when one side of the pair is asked for;
    /// the type bits (64 and up, one per pool type in libvirt's order) keep only the types asked for.
    static func matches(_ rec: StoragePoolRecord, flags: UInt32) -> Bool {
        func pair(_ yes: UInt32, _ no: UInt32, _ value: Bool) -> Bool {
            let want = flags & (yes | no)
            return want == 0 || want == (yes | no) || (value ? want == yes : want == no)
        }
        let typeBits = flags & ~UInt32(63)
        return pair(2, 1, rec.active) && pair(4, 8, rec.persistent) && pair(16, 32, rec.autostart)
            && (typeBits == 0 || typeBits & (UInt32(64) << UInt32(rec.definition.type.number)) != 0)
    }

    private static func poolFlagsCall<P: WireProcedure>(
        _ table: inout RouteTable, _ proc: P.Type, allowed: UInt32,
        _ body: @escaping @Sendable (StoragePoolRegistry, DomainUUID, UInt32) async throws -> Void
    ) where P.Args: PoolFlagsArguments, P.Ret == XDRVoid {
        table.on(proc) { args, ctx in
            try checkFlags(args.flags, allowed: allowed, P.info.api)
            try await body(ctx.storage, try args.pool.poolUUID(), args.flags)
            return XDRVoid()
        }
    }

    private static func poolCall<P: WireProcedure>(
        _ table: inout RouteTable, _ proc: P.Type,
        _ body: @escaping @Sendable (StoragePoolRegistry, DomainUUID) async throws -> Void
    ) where P.Args: PoolArguments, P.Ret == XDRVoid {
        table.on(proc) { args, ctx in
            try await body(ctx.storage, try args.pool.poolUUID())
            return XDRVoid()
        }
    }

    private static func poolQuery<P: WireProcedure>(
        _ table: inout RouteTable, _ proc: P.Type, _ reply: @escaping @Sendable (StoragePoolRecord) -> P.Ret
    ) where P.Args: PoolArguments {
        table.on(proc) { args, ctx in reply(try await ctx.storage.record(uuid: try args.pool.poolUUID())) }
    }
}

extension CallContext {
    var storage: StoragePoolRegistry { driver.storage }
}

extension StorageRoutes {
    /// virConnectStoragePoolEventRegisterAny / DeregisterAny (virsh pool-event).
    static func registerEvents(into table: inout RouteTable) {
        table.on(Remote.ConnectStoragePoolEventRegisterAny.self) { (args: ConnectStoragePoolEventRegisterAnyArgs, ctx) in
            guard let eventID = StoragePoolEventHub.EventID(rawValue: args.eventID) else {
                throw VirtError(.invalidArg, domain: .storage, detail: "unsupported event ID \(args.eventID)")
            }
            var uuid: DomainUUID?
            if let pool = args.pool {
                guard let parsed = DomainUUID(bytes: pool.uuid) else { throw StorageError.invalid("malformed uuid") }
                uuid = try await ctx.storage.record(uuid: parsed).uuid
            }
            let id = ctx.storage.events.register(ctx.session, eventID: eventID, pool: uuid)
            return ConnectStoragePoolEventRegisterAnyRet(callbackID: id)
        }
        table.on(Remote.ConnectStoragePoolEventDeregisterAny.self) { (args: ConnectStoragePoolEventDeregisterAnyArgs, ctx) in
            guard ctx.storage.events.deregister(ctx.session, callbackID: args.callbackID) else {
                throw VirtError(
                    .invalidArg, domain: .storage,
                    detail: "storage pool event callback \(args.callbackID) is not registered")
            }
            return XDRVoid()
        }
    }
}

/// The argument structs that name one pool (and flags): several procedures share these layouts.
protocol PoolArguments { var pool: RemoteNonnullStoragePool { get } }
protocol PoolFlagsArguments: PoolArguments { var flags: UInt32 { get } }
extension StoragePoolDestroyArgs: PoolArguments {}
extension StoragePoolUndefineArgs: PoolArguments {}
extension StoragePoolIsActiveArgs: PoolArguments {}
extension StoragePoolIsPersistentArgs: PoolArguments {}
extension StoragePoolGetAutostartArgs: PoolArguments {}
extension StoragePoolBuildArgs: PoolFlagsArguments {}
extension StoragePoolCreateArgs: PoolFlagsArguments {}
extension StoragePoolDeleteArgs: PoolFlagsArguments {}
extension StoragePoolRefreshArgs: PoolFlagsArguments {}

extension StoragePoolRecord {
    var wire: RemoteNonnullStoragePool { RemoteNonnullStoragePool(name: name, uuid: uuid.bytes) }
}

extension RemoteNonnullStoragePool {
    func poolUUID() throws -> DomainUUID {
        guard let uuid = DomainUUID(bytes: uuid) else {
            throw StorageError.invalid("pool '\(name)' has a malformed uuid")
        }
        return uuid
    }
}

extension VolumeRef {
    var wire: RemoteNonnullStorageVol { RemoteNonnullStorageVol(pool: pool, name: name, key: path) }
}
