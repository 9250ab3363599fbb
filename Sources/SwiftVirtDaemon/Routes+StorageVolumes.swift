import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtWire

/// Storage volume procedures (virStorageVol*), including the upload/download streams.
enum StorageVolumeRoutes {
    static func register(into table: inout [Int32: Route]) {
        table[RemoteProcedure.storagePoolListAllVolumes.rawValue] = .call(
            "virStoragePoolListAllVolumes", readOnly: true
        ) {
            (args: StoragePoolListAllVolumesArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "virStoragePoolListAllVolumes")
            let pool = try await ctx.storage.record(uuid: try args.pool.poolUUID())
            let names = try await ctx.storage.volumeNames(pool: pool.name)
            let vols = names.map {
                VolumeRef(pool: pool.name, name: $0, path: pool.definition.targetPath + "/" + $0).wire
            }
            return StoragePoolListAllVolumesRet(vols: args.needResults != 0 ? vols : [], ret: UInt32(vols.count))
        }
        table[RemoteProcedure.storageVolLookupByName.rawValue] = .call("virStorageVolLookupByName", readOnly: true) {
            (args: StorageVolLookupByNameArgs, ctx) in
            StorageVolPayload(vol: try await ctx.storage.volume(pool: args.pool.name, name: args.name).wire)
        }
        table[RemoteProcedure.storageVolLookupByKey.rawValue] = .call("virStorageVolLookupByKey", readOnly: true) {
            (args: StorageVolLookupByKeyArgs, ctx) in
            StorageVolPayload(
                vol: try await ctx.storage.volume(path: args.value, notFound: .noVolumeKey(args.value)).wire)
        }
        table[RemoteProcedure.storageVolLookupByPath.rawValue] = .call("virStorageVolLookupByPath", readOnly: true) {
            (args: StorageVolLookupByPathArgs, ctx) in
            StorageVolPayload(
                vol: try await ctx.storage.volume(path: args.value, notFound: .noVolumePath(args.value)).wire)
        }
        table[RemoteProcedure.storageVolCreateXml.rawValue] = .call("virStorageVolCreateXML") {
            (args: StorageVolCreateXmlArgs, ctx) in
            // PREALLOC_METADATA 1: qemu-img preallocates as the XML's allocation asks.
            try checkFlags(args.flags, allowed: 1, "virStorageVolCreateXML")
            let def = try StorageVolumeXML.parse(args.xml)
            return try await createVolume(ctx, pool: args.pool.name, name: def.name) { path in
                try await VolumeOperations.create(def, at: path)
            }
        }
        table[RemoteProcedure.storageVolCreateXmlFrom.rawValue] = .call("virStorageVolCreateXMLFrom") {
            (args: StorageVolCreateXmlFromArgs, ctx) in
            try checkFlags(args.flags, allowed: 1, "virStorageVolCreateXMLFrom")
            let def = try StorageVolumeXML.parse(args.xml)
            let source = try await ctx.storage.volume(pool: args.clonevol.pool, name: args.clonevol.name)
            // The source is held busy so nobody writes or deletes it while it is being copied.
            try await ctx.storage.claim(source)
            let copied = await outcome {
                try await createVolume(ctx, pool: args.pool.name, name: def.name) { path in
                    try await VolumeOperations.copy(from: source.path, def, to: path)
                }
            }
            await ctx.storage.release(source)
            return try copied.get()
        }
        table[RemoteProcedure.storageVolDelete.rawValue] = .call("virStorageVolDelete") {
            (args: StorageVolDeleteArgs, ctx) in
            try checkFlags(args.flags, allowed: 3, "virStorageVolDelete")
            let ref = try await ctx.storage.volume(pool: args.vol.pool, name: args.vol.name)
            if let user = await runningDomain(using: ref.path, ctx) {
                throw StorageError.volumeInUse(volume: ref.name, domain: user)
            }
            try await ctx.storage.deleteVolume(ref)
            return XDRVoid()
        }
        claimedCall(&table, .storageVolWipe, "virStorageVolWipe") { (args: StorageVolWipeArgs) in
            try checkFlags(args.flags, allowed: 0, "virStorageVolWipe")
            return (args.vol, { path in try await VolumeWipe.wipe(path, algorithm: .zero) })
        }
        claimedCall(&table, .storageVolWipePattern, "virStorageVolWipePattern") {
            (args: StorageVolWipePatternArgs) in
            try checkFlags(args.flags, allowed: 0, "virStorageVolWipePattern")
            let algorithm = try VolumeWipe.Algorithm.from(wire: args.algorithm)
            return (args.vol, { path in try await VolumeWipe.wipe(path, algorithm: algorithm) })
        }
        claimedCall(&table, .storageVolResize, "virStorageVolResize") { (args: StorageVolResizeArgs) in
            try checkFlags(args.flags, allowed: 7, "virStorageVolResize")
            return (
                args.vol,
                { path in try await VolumeOperations.resize(path, capacity: args.capacity, flags: args.flags) }
            )
        }
        table[RemoteProcedure.storageVolGetInfo.rawValue] = .call("virStorageVolGetInfo", readOnly: true) {
            (args: StorageVolGetInfoArgs, ctx) in
            let v = try await describe(args.vol, ctx)
            return StorageVolGetInfoRet(type: 0, capacity: v.capacity ?? 0, allocation: v.allocation ?? 0)
        }
        table[RemoteProcedure.storageVolGetInfoFlags.rawValue] = .call("virStorageVolGetInfoFlags", readOnly: true) {
            (args: StorageVolGetInfoFlagsArgs, ctx) in
            // VIR_STORAGE_VOL_GET_PHYSICAL 1: the file's size in place of the allocation.
            try checkFlags(args.flags, allowed: 1, "virStorageVolGetInfoFlags")
            let v = try await describe(args.vol, ctx)
            let second = args.flags & 1 != 0 ? v.physical : v.allocation
            return StorageVolGetInfoFlagsRet(type: 0, capacity: v.capacity ?? 0, allocation: second ?? 0)
        }
        table[RemoteProcedure.storageVolGetXmlDesc.rawValue] = .call("virStorageVolGetXMLDesc", readOnly: true) {
            (args: StorageVolGetXmlDescArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "virStorageVolGetXMLDesc")
            return XmlPayload(xml: StorageVolumeXML.format(try await describe(args.vol, ctx)))
        }
        table[RemoteProcedure.storageVolGetPath.rawValue] = .call("virStorageVolGetPath", readOnly: true) {
            (args: StorageVolGetPathArgs, ctx) in
            StorageVolGetPathRet(name: try await ctx.storage.volume(pool: args.vol.pool, name: args.vol.name).path)
        }
        table[RemoteProcedure.storageVolUpload.rawValue] = VolumeStream.route(upload: true)
        table[RemoteProcedure.storageVolDownload.rawValue] = VolumeStream.route(upload: false)
    }

    /// Reserves the new volume's name, lets `work` make the file, and adds the volume only if it succeeded.
    private static func createVolume(
        _ ctx: CallContext, pool: String, name: String, _ work: (String) async throws -> Void
    ) async throws -> StorageVolPayload {
        let ref = try await ctx.storage.reserveNew(pool: pool, name: name)
        let created = await outcome { try await work(ref.path) }
        await ctx.storage.finishNew(ref, created: created.isSuccess)
        try created.get()
        return StorageVolPayload(vol: ref.wire)
    }

    private static func describe(_ vol: RemoteNonnullStorageVol, _ ctx: CallContext) async throws
        -> StorageVolumeDefinition
    {
        try await VolumeOperations.describe(try await ctx.storage.volume(pool: vol.pool, name: vol.name))
    }

    /// The running domain whose live definition has `path` as a disk, if any.
    static func runningDomain(using path: String, _ ctx: CallContext) async -> String? {
        for rec in await ctx.registry.allRecords() where rec.isActive {
            if (rec.live ?? rec.config).devices.disks.contains(where: { $0.sourcePath == path }) {
                return rec.config.name
            }
        }
        return nil
    }

    /// A call that works on an existing volume's file while holding it busy.
    private static func claimedCall<A: XDRCodable>(
        _ table: inout [Int32: Route], _ proc: RemoteProcedure, _ api: String,
        _ prepare: @escaping @Sendable (A) throws -> (RemoteNonnullStorageVol, @Sendable (String) async throws -> Void)
    ) {
        table[proc.rawValue] = .call(api) { (args: A, ctx) in
            let (vol, work) = try prepare(args)
            let ref = try await ctx.storage.volume(pool: vol.pool, name: vol.name)
            try await ctx.storage.claim(ref)
            let outcome = await outcome { try await work(ref.path) }
            await ctx.storage.release(ref)
            try outcome.get()
            return XDRVoid()
        }
    }
}

/// The result of async work, kept so that cleanup can run before the error is rethrown.
func outcome<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
