import FoundationEssentials
import Glibc
import Logging
import SwiftVirtCore
import SwiftVirtSystem

/// A pool as the registry tracks it.
struct StoragePoolRecord: Sendable {
    var definition: StoragePoolDefinition
    var active = false
    var persistent = true
    var autostart = false
    /// Volume names found by the last refresh plus those created since; files made by hand appear on refresh.
    var volumes: Set<String> = []

    var name: String { definition.name }
    var uuid: DomainUUID { definition.uuid }
}

/// A volume named on the wire, resolved to its file.
struct VolumeRef: Sendable, Equatable {
    var pool: String
    var name: String
    var path: String
}

/// The storage driver's state: every pool, its activity, and the volumes of active pools. Pool changes take
/// `changes`, so they happen one at a time even while one awaits a file flush on the blocking executor; volume
/// bookkeeping is quick and happens on the actor alone. Slow work (qemu-img, copying) runs outside it with the
/// volume reserved in `busy`, so two clients can never create, delete or overwrite the same file at once.
actor StoragePoolRegistry {
    let store: StoragePoolStore
    let logger: Logger
    private let changes = AsyncJobLock()
    private var pools: [DomainUUID: StoragePoolRecord] = [:]
    /// Paths of volumes being created, converted, resized or streamed.
    private var busy: Set<String> = []
    /// The `<encryption>` encrypted volumes were created with, until their pool is refreshed (libvirt keeps
    /// the definition it created a volume from until then).
    private var createdEncryption: [String: StorageEncryption] = [:]
    /// Lifecycle and refresh events for virsh pool-event and other callback clients, sent as libvirt does.
    nonisolated let events = StoragePoolEventHub()

    /// What pools are made of, per pool type (the host's backends, unless one backend is given for all).
    let backends: StorageBackends

    init(store: StoragePoolStore, logger: Logger, backend: (any StoragePoolBackend)? = nil) {
        self.store = store
        self.logger = logger
        self.backends = backend.map { StorageBackends.all($0) } ?? .host
    }

    func backend(_ def: StoragePoolDefinition) -> any StoragePoolBackend { backends(def) }

    // MARK: start-up

    /// Loads definitions and re-activates the pools that were active when the daemon last ran.
    func restore(firstStart: Bool) async {
        try? await changes.run {
            for def in store.loadConfigs(logger: logger) {
                pools[def.uuid] = StoragePoolRecord(definition: def, autostart: store.isAutostart(def.name))
            }
            if firstStart && !pools.values.contains(where: { $0.name == "default" }) {
                let def = StoragePoolDefinition(name: "default", targetPath: store.imagesDir)
                do {
                    try await BlockingIO.run { [store] in
                        try store.saveConfig(def)
                        try store.setAutostart(def.name, true)
                    }
                    pools[def.uuid] = StoragePoolRecord(definition: def, autostart: true)
                    try await BlockingIO.run { [backend = backend(def)] in try backend.build(def, flags: 0) }
                } catch {
                    logger.error("cannot create the default storage pool: \(error)")
                }
            }
            for def in store.loadActive(logger: logger) {
                if pools[def.uuid] == nil { pools[def.uuid] = StoragePoolRecord(definition: def, persistent: false) }
                try? await activate(def.uuid)
            }
        }
    }

    func autostartAll() async {
        try? await changes.run {
            for rec in pools.values where rec.autostart && !rec.active {
                do { try await activate(rec.uuid) } catch {
                    logger.warning("autostart of pool \(rec.name) failed: \(error)")
                }
            }
        }
    }

    // MARK: lookup

    func all() -> [StoragePoolRecord] { pools.values.sorted { $0.name < $1.name } }

    func record(name: String) throws -> StoragePoolRecord {
        guard let rec = pools.values.first(where: { $0.name == name }) else { throw StorageError.noPoolNamed(name) }
        return rec
    }

    func record(uuid: DomainUUID) throws -> StoragePoolRecord {
        guard let rec = pools[uuid] else { throw StorageError.noPoolUUID(uuid) }
        return rec
    }

    private func activeRecord(name: String) throws -> StoragePoolRecord {
        let rec = try record(name: name)
        guard rec.active else { throw StorageError.poolNotActive(name) }
        return rec
    }

    // MARK: pool lifecycle

    func define(xml: String) async throws -> StoragePoolRecord {
        try await changes.run {
            let def = try StoragePoolXML.parse(xml)
            try checkUnique(def)
            var rec = pools[def.uuid] ?? StoragePoolRecord(definition: def)
            if !rec.active { rec.definition = def }
            rec.persistent = true
            try await BlockingIO.run { [store] in try store.saveConfig(def) }
            pools[def.uuid] = rec
            logger.info("defined storage pool \(def.name)")
            events.lifecycle(rec.wire, .defined)
            return rec
        }
    }

    /// pool-create: a transient pool, active at once.
    func createTransient(xml: String, build: UInt32) async throws -> StoragePoolRecord {
        try await changes.run {
            let def = try StoragePoolXML.parse(xml)
            try checkUnique(def)
            if pools[def.uuid] != nil { throw StorageError.poolActive(def.name) }
            if build != 0 {
                try await BlockingIO.run { [backend = backend(def)] in try backend.build(def, flags: build & 0xFFFF) }
            }
            pools[def.uuid] = StoragePoolRecord(definition: def, persistent: false)
            do { try await activate(def.uuid) } catch {
                pools[def.uuid] = nil
                throw error
            }
            let rec = try record(uuid: def.uuid)
            events.lifecycle(rec.wire, .started)
            return rec
        }
    }

    private func checkUnique(_ def: StoragePoolDefinition) throws {
        if let existing = pools[def.uuid], existing.name != def.name {
            throw StorageError.poolUUIDTaken(existingName: existing.name)
        }
        if let other = pools.values.first(where: { $0.name == def.name && $0.uuid != def.uuid }) {
            throw StorageError.poolNameTaken(other.name, other.uuid)
        }
        if def.type.hasTarget,
            let other = pools.values.first(where: {
                $0.definition.type.hasTarget && $0.definition.targetPath == def.targetPath && $0.uuid != def.uuid
            })
        {
            throw StorageError.invalid("target path '\(def.targetPath)' is already in use by pool '\(other.name)'")
        }
    }

    /// virStoragePoolCreateFlags (1 build, 2 build with overwrite, 4 build without) → whether to build (non-zero)
    /// and virStoragePoolBuildFlags in the low bits (4 overwrite, 8 no-overwrite).
    static func buildFlags(create flags: UInt32) -> UInt32 {
        flags & 2 != 0 ? 4 : flags & 4 != 0 ? 8 : flags & 1 != 0 ? 0x10000 : 0
    }

    func build(_ uuid: DomainUUID, flags: UInt32) async throws {
        try await changes.run {
            let rec = try record(uuid: uuid)
            if rec.active { throw StorageError.poolActive(rec.name) }
            try await BlockingIO.run { [backend = backend(rec.definition)] in
                try backend.build(rec.definition, flags: flags)
            }
            events.lifecycle(rec.wire, .created)
        }
    }

    /// pool-start, building first with default flags when asked.
    func start(_ uuid: DomainUUID, build: Bool) async throws { try await start(uuid, build: build ? 0x10000 : 0) }

    func start(_ uuid: DomainUUID, build: UInt32) async throws {
        try await changes.run {
            let rec = try record(uuid: uuid)
            if rec.active { throw StorageError.poolActive(rec.name) }
            if build != 0 {
                try await BlockingIO.run { [backend = backend(rec.definition)] in
                    try backend.build(rec.definition, flags: build & 0xFFFF)
                }
            }
            try await activate(uuid)
            events.lifecycle(rec.wire, .started)
        }
    }

    private func activate(_ uuid: DomainUUID) async throws {
        var rec = try record(uuid: uuid)
        rec.volumes = try await BlockingIO.run { [backend = backend(rec.definition), def = rec.definition] in
            try backend.start(def)
            return try backend.scan(def)
        }
        rec.active = true
        try await BlockingIO.run { [store, def = rec.definition] in try store.markActive(def) }
        pools[uuid] = rec
        logger.info("started storage pool \(rec.name) with \(rec.volumes.count) volumes")
    }

    func destroy(_ uuid: DomainUUID) async throws {
        try await changes.run {
            var rec = try record(uuid: uuid)
            guard rec.active else { throw StorageError.poolNotActive(rec.name) }
            if let path = busy.first(where: { $0.hasPrefix(rec.definition.targetPath + "/") }) {
                throw StorageError.volumeBusy(PathText.name(of: path))
            }
            try await BlockingIO.run { [backend = backend(rec.definition), def = rec.definition] in
                try backend.stop(def)
            }
            store.markInactive(rec.name)
            rec.active = false
            rec.volumes = []
            pools[uuid] = rec.persistent ? rec : nil
            events.lifecycle(rec.wire, .stopped)
        }
    }

    func delete(_ uuid: DomainUUID) async throws {
        try await changes.run {
            let rec = try record(uuid: uuid)
            if rec.active { throw StorageError.poolActive(rec.name) }
            try await BlockingIO.run { [backend = backend(rec.definition), def = rec.definition] in
                try backend.delete(def)
            }
            events.lifecycle(rec.wire, .deleted)
        }
    }

    func undefine(_ uuid: DomainUUID) async throws {
        try await changes.run {
            var rec = try record(uuid: uuid)
            guard rec.persistent else {
                throw StorageError.invalid("cannot undefine transient storage pool '\(rec.name)'")
            }
            store.removeConfig(rec.name)
            rec.persistent = false
            rec.autostart = false
            pools[uuid] = rec.active ? rec : nil
            events.lifecycle(rec.wire, .undefined)
        }
    }

    func refresh(_ uuid: DomainUUID) async throws {
        try await changes.run {
            var rec = try record(uuid: uuid)
            guard rec.active else { throw StorageError.poolNotActive(rec.name) }
            for name in rec.volumes { createdEncryption[rec.definition.targetPath + "/" + name] = nil }
            rec.volumes = try await BlockingIO.run { [backend = backend(rec.definition), def = rec.definition] in
                try backend.scan(def)
            }
            pools[uuid] = rec
            events.refreshed(rec.wire)
        }
    }

    func setAutostart(_ uuid: DomainUUID, _ on: Bool) async throws {
        try await changes.run {
            var rec = try record(uuid: uuid)
            guard rec.persistent else { throw StorageError.transientAutostart(rec.name) }
            try await BlockingIO.run { [store, name = rec.name] in try store.setAutostart(name, on) }
            rec.autostart = on
            pools[uuid] = rec
        }
    }

    /// (state, usage): state is virStoragePoolState (0 inactive, 2 running).
    func info(_ uuid: DomainUUID) async throws -> (UInt32, StoragePoolUsage?) {
        let rec = try record(uuid: uuid)
        guard rec.active else { return (0, nil) }
        let usage = await BlockingIO.run { [backend = backend(rec.definition), def = rec.definition] in
            backend.usage(def)
        }
        return (2, usage)
    }

    func xml(_ uuid: DomainUUID, inactive: Bool) async throws -> String {
        let rec = try record(uuid: uuid)
        guard rec.active && !inactive else { return StoragePoolXML.format(rec.definition, usage: nil) }
        let (def, usage) = await BlockingIO.run { [backend = backend(rec.definition), def = rec.definition] in
            var live = backend.live(def)
            if let perms = backend.permissions(def) { live.permissions = perms }
            return (live, backend.usage(def))
        }
        return StoragePoolXML.format(def, usage: usage)
    }

    // MARK: volumes

    func volumeNames(pool: String) throws -> [String] { try activeRecord(name: pool).volumes.sorted() }

    func volume(pool: String, name: String) throws -> VolumeRef {
        let rec = try activeRecord(name: pool)
        guard rec.volumes.contains(name) else { throw StorageError.noVolumeNamed(name) }
        return VolumeRef(pool: pool, name: name, path: backend(rec.definition).volumePath(rec.definition, name))
    }

    /// A volume by its key, which for file volumes is its path.
    func volume(path: String, notFound: StorageError) throws -> VolumeRef {
        let normalized = PathText.standardized(path)
        let dir = PathText.directory(of: normalized)
        let name = PathText.name(of: normalized)
        if let rec = pools.values.first(where: { $0.active && $0.definition.targetPath == dir }),
            rec.volumes.contains(name)
        {
            return VolumeRef(pool: rec.name, name: name, path: normalized)
        }
        // Block volumes (LVs, partitions) are found by their device path.
        for rec in pools.values where rec.active && !backend(rec.definition).volumesAreFiles {
            for volume in rec.volumes where backend(rec.definition).volumePath(rec.definition, volume) == normalized {
                return VolumeRef(pool: rec.name, name: volume, path: normalized)
            }
        }
        throw notFound
    }

    /// Reserves a new volume's name: it must be free in the pool and on disk.
    func reserveNew(pool: String, name: String) throws -> VolumeRef {
        let rec = try activeRecord(name: pool)
        try requireFileVolumes(rec)
        let path = rec.definition.targetPath + "/" + name
        if rec.volumes.contains(name) || busy.contains(path) || FileManager.default.fileExists(atPath: path) {
            throw StorageError.volumeExists(name)
        }
        busy.insert(path)
        return VolumeRef(pool: pool, name: name, path: path)
    }

    /// Ends a reservation; a successful creation adds the volume to its pool.
    func finishNew(_ ref: VolumeRef, created: Bool) {
        busy.remove(ref.path)
        guard created, let rec = pools.values.first(where: { $0.name == ref.pool }) else { return }
        pools[rec.uuid]?.volumes.insert(ref.name)
    }

    /// Volume files are made and changed only in pools whose volumes are files.
    private func requireFileVolumes(_ rec: StoragePoolRecord) throws {
        guard backend(rec.definition).volumesAreFiles else {
            throw VirtError(
                .noSupport, domain: .storage,
                detail: "the volumes of this pool are not files")
        }
    }

    /// Marks an existing volume busy for a transfer, resize or wipe.
    func claim(_ ref: VolumeRef) throws {
        try requireFileVolumes(try record(name: ref.pool))
        if busy.contains(ref.path) { throw StorageError.volumeBusy(ref.name) }
        busy.insert(ref.path)
    }

    func release(_ ref: VolumeRef) { busy.remove(ref.path) }

    func remember(_ encryption: StorageEncryption, of path: String) { createdEncryption[path] = encryption }
    func rememberedEncryption(of path: String) -> StorageEncryption? { createdEncryption[path] }

    /// The pool's type and whether its volumes are files (else its backend makes and describes them).
    func poolKind(_ name: String) throws -> (type: StoragePoolDefinition.PoolType, files: Bool) {
        let rec = try record(name: name)
        return (rec.definition.type, backend(rec.definition).volumesAreFiles)
    }

    /// vol-create in a pool whose volumes are not files: the backend makes it (lvcreate, parted).
    func createBlockVolume(pool: String, _ volume: StorageVolumeDefinition) async throws -> VolumeRef {
        let rec = try activeRecord(name: pool)
        let backend = backend(rec.definition)
        guard !backend.volumesAreFiles else { throw StorageError.invalid("the volumes of this pool are files") }
        let path = backend.volumePath(rec.definition, volume.name)
        if rec.volumes.contains(volume.name) || busy.contains(path) { throw StorageError.volumeExists(volume.name) }
        busy.insert(path)
        defer { busy.remove(path) }
        let volumes = try await BlockingIO.run { [def = rec.definition] in
            try backend.createVolume(def, volume)
            return try backend.scan(def)
        }
        pools[rec.uuid]?.volumes = volumes.union([volume.name])
        return VolumeRef(pool: pool, name: volume.name, path: path)
    }

    /// vol-dumpxml and vol-info of any volume: files from their header, block volumes from their backend.
    func describe(_ ref: VolumeRef) async throws -> (StorageVolumeDefinition, StoragePoolDefinition.PoolType) {
        let rec = try record(name: ref.pool)
        let backend = backend(rec.definition)
        if backend.volumesAreFiles { return (try await VolumeOperations.describe(ref), rec.definition.type) }
        let v = try await BlockingIO.run { [def = rec.definition] in try backend.describeVolume(def, ref.name) }
        return (v, rec.definition.type)
    }

    func deleteVolume(_ ref: VolumeRef) async throws {
        if busy.contains(ref.path) { throw StorageError.volumeBusy(ref.name) }
        // Unlinking a large image frees every extent it has, which can take long: on the blocking executor,
        // with the volume claimed meanwhile.
        busy.insert(ref.path)
        defer { busy.remove(ref.path) }
        let rec = try record(name: ref.pool)
        let backend = backend(rec.definition)
        try await BlockingIO.run { [def = rec.definition] in
            if !backend.volumesAreFiles { return try backend.deleteVolume(def, ref.name) }
            if unlink(ref.path) != 0 && errno != ENOENT {
                throw StorageError.io("cannot unlink file '\(ref.path)': \(String(cString: strerror(errno)))")
            }
        }
        if let rec = pools.values.first(where: { $0.name == ref.pool }) { pools[rec.uuid]?.volumes.remove(ref.name) }
        createdEncryption[ref.path] = nil
    }
}

extension StoragePoolRegistry {
    /// `<disk type='volume'>` → the volume's file, with the driver format taken from the image header when the
    /// definition names none. Called when a domain starts, so the pool must be active then.
    func resolveVolumeDisks(_ def: DomainDefinition) async throws -> DomainDefinition {
        var def = def
        for i in def.devices.disks.indices {
            guard let source = def.devices.disks[i].sourceVolume else { continue }
            let ref = try volume(pool: source.pool, name: source.volume)
            def.devices.disks[i].sourcePath = ref.path
            if def.devices.disks[i].driver?.format == nil {
                let info = try await QemuImg.info(ref.path)
                guard let format = Disk.Format(rawValue: info.formatName) else {
                    throw StorageError.invalid(
                        "volume '\(source.volume)' has format '\(info.formatName)'; convert it to qcow2 (vol-create-from) to use it as a disk"
                    )
                }
                var driver = def.devices.disks[i].driver ?? Disk.Driver()
                driver.format = format
                def.devices.disks[i].driver = driver
            }
        }
        return def
    }
}
