import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtWire

/// Storage volume procedures (virStorageVol*), including the upload/download streams.
enum StorageVolumeRoutes {
    static func register(into table: inout RouteTable) {
        table.on(Remote.StoragePoolListAllVolumes.self) {
            (args: StoragePoolListAllVolumesArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "virStoragePoolListAllVolumes")
            let pool = try await ctx.storage.record(uuid: try args.pool.poolUUID())
            let names = try await ctx.storage.volumeNames(pool: pool.name)
            var vols: [RemoteNonnullStorageVol] = []
            for name in names { vols.append(try await ctx.storage.volume(pool: pool.name, name: name).wire) }
            return StoragePoolListAllVolumesRet(vols: args.needResults != 0 ? vols : [], ret: UInt32(vols.count))
        }
        table.on(Remote.StorageVolLookupByName.self) {
            (args: StorageVolLookupByNameArgs, ctx) in
            StorageVolLookupByNameRet(vol: try await ctx.storage.volume(pool: args.pool.name, name: args.name).wire)
        }
        table.on(Remote.StorageVolLookupByKey.self) {
            (args: StorageVolLookupByKeyArgs, ctx) in
            StorageVolLookupByKeyRet(
                vol: try await ctx.storage.volume(path: args.key, notFound: .noVolumeKey(args.key)).wire)
        }
        table.on(Remote.StorageVolLookupByPath.self) {
            (args: StorageVolLookupByPathArgs, ctx) in
            StorageVolLookupByPathRet(
                vol: try await ctx.storage.volume(path: args.path, notFound: .noVolumePath(args.path)).wire)
        }
        table.on(Remote.StorageVolCreateXML.self) {
            (args: StorageVolCreateXmlArgs, ctx) in
            // PREALLOC_METADATA 1: qemu-img preallocates as the XML's allocation asks.
            try checkFlags(args.flags, allowed: 1, "virStorageVolCreateXML")
            let kind = try await ctx.storage.poolKind(args.pool.name)
            let def = try StorageVolumeXML.parse(args.xml, poolType: kind.type)
            if !kind.files {
                return StorageVolCreateXmlRet(vol: try await ctx.storage.createBlockVolume(pool: args.pool.name, def).wire)
            }
            return StorageVolCreateXmlRet(
                vol: try await createVolume(ctx, pool: args.pool.name, name: def.name) { path in
                    // As libvirt, the secret is read before anything else of the image is checked.
                    var key: [UInt8]?
                    if let encryption = def.encryption { key = try await ctx.secrets.volumeKey(encryption) }
                    try await VolumeOperations.create(def, at: path, key: key)
                    if let encryption = def.encryption { await ctx.storage.remember(encryption, of: path) }
                })
        }
        table.on(Remote.StorageVolCreateXMLFrom.self) {
            (args: StorageVolCreateXmlFromArgs, ctx) in
            try checkFlags(args.flags, allowed: 1, "virStorageVolCreateXMLFrom")
            let def = try StorageVolumeXML.parse(
                args.xml, poolType: try await ctx.storage.poolKind(args.pool.name).type, cloning: true)
            let source = try await ctx.storage.volume(pool: args.clonevol.pool, name: args.clonevol.name)
            // An encrypted source is read with the key of the secret its vol-dumpxml names.
            let sourceEncryption = try await describe(args.clonevol, ctx).0.encryption
            // The source is held busy so nobody writes or deletes it while it is being copied.
            try await ctx.storage.claim(source)
            let copied = await outcome {
                try await createVolume(ctx, pool: args.pool.name, name: def.name) { path in
                    var keys: VolumeEncryption.CopyKeys?
                    if def.encryption != nil || sourceEncryption != nil {
                        // As libvirt: the new volume's secret first, then the source's.
                        var k = VolumeEncryption.CopyKeys()
                        if let e = def.encryption { k.target = try await ctx.secrets.volumeKey(e) }
                        if let e = sourceEncryption { k.source = (source.name, try await ctx.secrets.volumeKey(e)) }
                        keys = k
                    }
                    try await VolumeOperations.copy(from: source.path, def, to: path, keys: keys)
                    if let encryption = def.encryption { await ctx.storage.remember(encryption, of: path) }
                }
            }
            await ctx.storage.release(source)
            return StorageVolCreateXmlFromRet(vol: try copied.get())
        }
        table.on(Remote.StorageVolDelete.self) {
            (args: StorageVolDeleteArgs, ctx) in
            try checkFlags(args.flags, allowed: 3, "virStorageVolDelete")
            let ref = try await ctx.storage.volume(pool: args.vol.pool, name: args.vol.name)
            if let user = await runningDomain(using: ref.path, ctx) {
                throw StorageError.volumeInUse(volume: ref.name, domain: user)
            }
            try await ctx.storage.deleteVolume(ref)
            return XDRVoid()
        }
        claimedCall(&table, Remote.StorageVolWipe.self) { args in
            try checkFlags(args.flags, allowed: 0, "virStorageVolWipe")
            return (args.vol, { path in try await VolumeWipe.wipe(path, algorithm: .zero) })
        }
        claimedCall(&table, Remote.StorageVolWipePattern.self) { args in
            try checkFlags(args.flags, allowed: 0, "virStorageVolWipePattern")
            let algorithm = try VolumeWipe.Algorithm.from(wire: args.algorithm)
            return (args.vol, { path in try await VolumeWipe.wipe(path, algorithm: algorithm) })
        }
        table.on(Remote.StorageVolResize.self) { args, ctx in
            try checkFlags(args.flags, allowed: 7, "virStorageVolResize")
            // An encrypted volume is opened with the key of the secret vol-dumpxml names.
            let encryption = try await describe(args.vol, ctx).0.encryption
            let secrets = ctx.secrets
            let ref = try await ctx.storage.volume(pool: args.vol.pool, name: args.vol.name)
            try await ctx.storage.claim(ref)
            let resized = await outcome {
                try await VolumeOperations.resize(
                    ref.path, capacity: args.capacity, flags: args.flags,
                    encrypted: encryption.map { ($0, { try await secrets.volumeKey($0) }) })
            }
            await ctx.storage.release(ref)
            try resized.get()
            return XDRVoid()
        }
        table.on(Remote.StorageVolGetInfo.self, waits: true) {
            (args: StorageVolGetInfoArgs, ctx) in
            let v = try await describe(args.vol, ctx).0
            return StorageVolGetInfoRet(
                type: Int8(v.type.typeNumber), capacity: v.capacity ?? 0, allocation: v.allocation ?? 0)
        }
        table.on(Remote.StorageVolGetInfoFlags.self, waits: true) {
            (args: StorageVolGetInfoFlagsArgs, ctx) in
            // VIR_STORAGE_VOL_GET_PHYSICAL 1: the file's size in place of the allocation.
            try checkFlags(args.flags, allowed: 1, "virStorageVolGetInfoFlags")
            let v = try await describe(args.vol, ctx).0
            let second = args.flags & 1 != 0 ? (v.physical ?? v.capacity) : v.allocation
            return StorageVolGetInfoFlagsRet(
                type: Int8(v.type.typeNumber), capacity: v.capacity ?? 0, allocation: second ?? 0)
        }
        table.on(Remote.StorageVolGetXMLDesc.self, waits: true) {
            (args: StorageVolGetXmlDescArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "virStorageVolGetXMLDesc")
            let (v, type) = try await describe(args.vol, ctx)
            return StorageVolGetXmlDescRet(xml: StorageVolumeXML.format(v, poolType: type))
        }
        table.on(Remote.StorageVolGetPath.self) {
            (args: StorageVolGetPathArgs, ctx) in
            StorageVolGetPathRet(name: try await ctx.storage.volume(pool: args.vol.pool, name: args.vol.name).path)
        }
        VolumeStream.register(Remote.StorageVolUpload.self, upload: true, into: &table)
        VolumeStream.register(Remote.StorageVolDownload.self, upload: false, into: &table)
    }

    /// Reserves the new volume's name, lets `work` make the file, and adds the volume only if it succeeded.
    private static func createVolume(
        _ ctx: CallContext, pool: String, name: String, _ work: (String) async throws -> Void
    ) async throws -> RemoteNonnullStorageVol {
        let ref = try await ctx.storage.reserveNew(pool: pool, name: name)
        let created = await outcome { try await work(ref.path) }
        await ctx.storage.finishNew(ref, created: created.isSuccess)
        try created.get()
        return ref.wire
    }

    private static func describe(_ vol: RemoteNonnullStorageVol, _ ctx: CallContext) async throws
        -> (StorageVolumeDefinition, StoragePoolDefinition.PoolType)
    {
        let ref = try await ctx.storage.volume(pool: vol.pool, name: vol.name)
        var (v, type) = try await ctx.storage.describe(ref)
        if v.encryption != nil {
            // The encryption a volume was created with, else (after a refresh) that of the secret whose usage
            // is the volume's path, as libvirt shows it; else the format alone.
            if let created = await ctx.storage.rememberedEncryption(of: ref.path) {
                v.encryption = created
            } else if let uuid = await ctx.secrets.volumeSecret(path: ref.path) {
                v.encryption?.secrets = [.uuid(uuid)]
            }
        }
        return (v, type)
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
    private static func claimedCall<P: WireProcedure>(
        _ table: inout RouteTable, _ proc: P.Type,
        _ prepare: @escaping @Sendable (P.Args) throws -> (RemoteNonnullStorageVol, @Sendable (String) async throws -> Void)
    ) where P.Ret == XDRVoid {
        table.on(proc) { args, ctx in
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

extension Optional where Wrapped == StorageVolumeDefinition.VolumeType {
    /// virStorageVolType's number (a file when unknown).
    var typeNumber: Int {
        StorageVolumeDefinition.VolumeType.allCases.firstIndex(of: self ?? .file) ?? 0
    }
}
