import SwiftVirtCore
import SwiftVirtWire

/// Storage pool procedures (virStoragePool*). Volumes are in Routes+StorageVolumes.swift.
enum StorageRoutes {
    static func register(into table: inout [Int32: Route]) {
        StorageVolumeRoutes.register(into: &table)
        registerEvents(into: &table)
        table[RemoteProcedure.connectFindStoragePoolSources.rawValue] = .call(
            "virConnectFindStoragePoolSources", readOnly: true
        ) { (args: ConnectFindStoragePoolSourcesArgs, _) throws -> XmlPayload in
            try checkFlags(args.flags, allowed: 0, "virConnectFindStoragePoolSources")
            guard let type = StoragePoolDefinition.PoolType(rawValue: args.type) else {
                throw VirtError(
                    .internalError, domain: .storage, "internal error: unknown storage pool type \(args.type)")
            }
            guard type != .dir else {
                // As libvirt: a directory pool has no sources to discover.
                throw VirtError(
                    .noSupport, domain: .storage,
                    "this function is not supported by the connection driver: pool type 'dir' does not support source discovery"
                )
            }
            throw VirtError(
                .configUnsupported, domain: .storage,
                "unsupported configuration: storage pool type '\(type.rawValue)' is not supported (SwiftVirt serves only 'dir' pools)"
            )
        }
        table[RemoteProcedure.connectListAllStoragePools.rawValue] = .call(
            "virConnectListAllStoragePools", readOnly: true
        ) {
            (args: ConnectListAllStoragePoolsArgs, ctx) in
            try checkFlags(args.flags, allowed: (1 << 19) - 1, "virConnectListAllStoragePools")
            let pools = await ctx.storage.all().filter { matches($0, flags: args.flags) }
            return ConnectListAllStoragePoolsRet(
                pools: args.needResults != 0 ? pools.map(\.wire) : [], ret: UInt32(pools.count))
        }
        table[RemoteProcedure.connectNumOfStoragePools.rawValue] = .call("virConnectNumOfStoragePools", readOnly: true)
        {
            (ctx: CallContext) in NumRet(num: Int32(await ctx.storage.all().filter(\.active).count))
        }
        table[RemoteProcedure.connectNumOfDefinedStoragePools.rawValue] = .call(
            "virConnectNumOfDefinedStoragePools", readOnly: true
        ) { (ctx: CallContext) in NumRet(num: Int32(await ctx.storage.all().filter { !$0.active }.count)) }
        table[RemoteProcedure.connectListStoragePools.rawValue] = .call("virConnectListStoragePools", readOnly: true) {
            (args: ConnectListStoragePoolsArgs, ctx) in
            StorageNamesRet(
                names: Array(await ctx.storage.all().filter(\.active).map(\.name).prefix(Int(max(0, args.maxnames)))))
        }
        table[RemoteProcedure.connectListDefinedStoragePools.rawValue] = .call(
            "virConnectListDefinedStoragePools", readOnly: true
        ) { (args: ConnectListStoragePoolsArgs, ctx) in
            StorageNamesRet(
                names: Array(
                    await ctx.storage.all().filter { !$0.active }.map(\.name).prefix(Int(max(0, args.maxnames)))))
        }
        table[RemoteProcedure.storagePoolLookupByName.rawValue] = .call("virStoragePoolLookupByName", readOnly: true) {
            (args: StoragePoolLookupByNameArgs, ctx) in
            StoragePoolPayload(pool: try await ctx.storage.record(name: args.value).wire)
        }
        table[RemoteProcedure.storagePoolLookupByUuid.rawValue] = .call("virStoragePoolLookupByUUID", readOnly: true) {
            (args: StoragePoolLookupByUuidArgs, ctx) in
            guard let uuid = DomainUUID(bytes: args.uuid) else { throw StorageError.invalid("malformed uuid") }
            return StoragePoolPayload(pool: try await ctx.storage.record(uuid: uuid).wire)
        }
        table[RemoteProcedure.storagePoolLookupByVolume.rawValue] = .call(
            "virStoragePoolLookupByVolume", readOnly: true
        ) {
            (args: StoragePoolLookupByVolumeArgs, ctx) in
            StoragePoolPayload(pool: try await ctx.storage.record(name: args.vol.pool).wire)
        }
        table[RemoteProcedure.storagePoolDefineXml.rawValue] = .call("virStoragePoolDefineXML") {
            (args: StoragePoolDefineXmlArgs, ctx) in
            try checkFlags(args.flags, allowed: 1, "virStoragePoolDefineXML")
            return StoragePoolPayload(pool: try await ctx.storage.define(xml: args.xml).wire)
        }
        table[RemoteProcedure.storagePoolCreateXml.rawValue] = .call("virStoragePoolCreateXML") {
            (args: StoragePoolCreateXmlArgs, ctx) in
            try checkFlags(args.flags, allowed: 7, "virStoragePoolCreateXML")
            return StoragePoolPayload(
                pool: try await ctx.storage.createTransient(xml: args.xml, build: args.flags != 0).wire)
        }
        poolFlagsCall(&table, .storagePoolBuild, "virStoragePoolBuild", allowed: 15) { s, uuid, _ in
            try await s.build(uuid)
        }
        poolFlagsCall(&table, .storagePoolCreate, "virStoragePoolCreate", allowed: 7) { s, uuid, flags in
            try await s.start(uuid, build: flags != 0)
        }
        poolFlagsCall(&table, .storagePoolDelete, "virStoragePoolDelete", allowed: 0) { s, uuid, _ in
            try await s.delete(uuid)
        }
        poolFlagsCall(&table, .storagePoolRefresh, "virStoragePoolRefresh", allowed: 0) { s, uuid, _ in
            try await s.refresh(uuid)
        }
        poolCall(&table, .storagePoolDestroy, "virStoragePoolDestroy") { s, uuid in try await s.destroy(uuid) }
        poolCall(&table, .storagePoolUndefine, "virStoragePoolUndefine") { s, uuid in try await s.undefine(uuid) }
        table[RemoteProcedure.storagePoolGetInfo.rawValue] = .call("virStoragePoolGetInfo", readOnly: true) {
            (args: StoragePoolGetInfoArgs, ctx) in
            let (state, usage) = try await ctx.storage.info(try args.pool.poolUUID())
            return StoragePoolGetInfoRet(
                state: state, capacity: usage?.capacity ?? 0, allocation: usage?.allocation ?? 0,
                available: usage?.available ?? 0)
        }
        table[RemoteProcedure.storagePoolGetXmlDesc.rawValue] = .call("virStoragePoolGetXMLDesc", readOnly: true) {
            (args: StoragePoolGetXmlDescArgs, ctx) in
            try checkFlags(args.flags, allowed: 1, "virStoragePoolGetXMLDesc")
            return XmlPayload(xml: try await ctx.storage.xml(try args.pool.poolUUID(), inactive: args.flags & 1 != 0))
        }
        poolQuery(&table, .storagePoolIsActive, "virStoragePoolIsActive") { $0.active }
        poolQuery(&table, .storagePoolIsPersistent, "virStoragePoolIsPersistent") { $0.persistent }
        poolQuery(&table, .storagePoolGetAutostart, "virStoragePoolGetAutostart") { $0.autostart }
        table[RemoteProcedure.storagePoolSetAutostart.rawValue] = .call("virStoragePoolSetAutostart") {
            (args: StoragePoolSetAutostartArgs, ctx) in
            try await ctx.storage.setAutostart(try args.pool.poolUUID(), args.autostart != 0)
            return XDRVoid()
        }
        table[RemoteProcedure.storagePoolNumOfVolumes.rawValue] = .call("virStoragePoolNumOfVolumes", readOnly: true) {
            (args: StoragePoolNumOfVolumesArgs, ctx) in
            NumRet(num: Int32(try await ctx.storage.volumeNames(pool: args.pool.name).count))
        }
        table[RemoteProcedure.storagePoolListVolumes.rawValue] = .call("virStoragePoolListVolumes", readOnly: true) {
            (args: StoragePoolListVolumesArgs, ctx) in
            StorageNamesRet(
                names: Array(try await ctx.storage.volumeNames(pool: args.pool.name).prefix(Int(max(0, args.maxnames))))
            )
        }
    }

    /// virConnectListAllStoragePoolsFlags: the state pairs filter only when one side of the pair is asked for;
    /// the type bits (64 and up) keep only the types asked for, and every pool here is `dir` (bit 64).
    static func matches(_ rec: StoragePoolRecord, flags: UInt32) -> Bool {
        func pair(_ yes: UInt32, _ no: UInt32, _ value: Bool) -> Bool {
            let want = flags & (yes | no)
            return want == 0 || want == (yes | no) || (value ? want == yes : want == no)
        }
        let typeBits = flags & ~UInt32(63)
        return pair(2, 1, rec.active) && pair(4, 8, rec.persistent) && pair(16, 32, rec.autostart)
            && (typeBits == 0 || typeBits & 64 != 0)
    }

    private static func poolFlagsCall(
        _ table: inout [Int32: Route], _ proc: RemoteProcedure, _ api: String, allowed: UInt32,
        _ body: @escaping @Sendable (StoragePoolRegistry, DomainUUID, UInt32) async throws -> Void
    ) {
        table[proc.rawValue] = .call(api) { (args: StoragePoolFlagsArgs, ctx) in
            try checkFlags(args.flags, allowed: allowed, api)
            try await body(ctx.storage, try args.pool.poolUUID(), args.flags)
            return XDRVoid()
        }
    }

    private static func poolCall(
        _ table: inout [Int32: Route], _ proc: RemoteProcedure, _ api: String,
        _ body: @escaping @Sendable (StoragePoolRegistry, DomainUUID) async throws -> Void
    ) {
        table[proc.rawValue] = .call(api) { (args: StoragePoolPayload, ctx) in
            try await body(ctx.storage, try args.pool.poolUUID())
            return XDRVoid()
        }
    }

    private static func poolQuery(
        _ table: inout [Int32: Route], _ proc: RemoteProcedure, _ api: String,
        _ value: @escaping @Sendable (StoragePoolRecord) -> Bool
    ) {
        table[proc.rawValue] = .call(api, readOnly: true) { (args: StoragePoolPayload, ctx) in
            StorageIntRet(value: value(try await ctx.storage.record(uuid: try args.pool.poolUUID())) ? 1 : 0)
        }
    }
}

extension CallContext {
    var storage: StoragePoolRegistry { services.storage }
}

extension StorageRoutes {
    /// virConnectStoragePoolEventRegisterAny / DeregisterAny (virsh pool-event).
    static func registerEvents(into table: inout [Int32: Route]) {
        table[RemoteProcedure.connectStoragePoolEventRegisterAny.rawValue] = .call(
            "virConnectStoragePoolEventRegisterAny", readOnly: true
        ) { (args: ConnectStoragePoolEventRegisterAnyArgs, ctx) in
            guard let eventID = StoragePoolEventHub.EventID(rawValue: args.eventID) else {
                throw VirtError(.invalidArg, domain: .storage, "invalid argument: unsupported event ID \(args.eventID)")
            }
            var uuid: DomainUUID?
            if let pool = args.pool {
                guard let parsed = DomainUUID(bytes: pool.uuid) else { throw StorageError.invalid("malformed uuid") }
                uuid = try await ctx.storage.record(uuid: parsed).uuid
            }
            let id = ctx.storage.events.register(ctx.session, eventID: eventID, pool: uuid)
            return ConnectStoragePoolEventRegisterAnyRet(callbackID: id)
        }
        table[RemoteProcedure.connectStoragePoolEventDeregisterAny.rawValue] = .call(
            "virConnectStoragePoolEventDeregisterAny", readOnly: true
        ) { (args: ConnectStoragePoolEventDeregisterAnyArgs, ctx) in
            guard ctx.storage.events.deregister(ctx.session, callbackID: args.callbackID) else {
                throw VirtError(
                    .invalidArg, domain: .storage,
                    "invalid argument: storage pool event callback \(args.callbackID) is not registered")
            }
            return XDRVoid()
        }
    }
}

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
