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
    /// Lifecycle and refresh events for virsh pool-event and other callback clients, sent as libvirt does.
    nonisolated let events = StoragePoolEventHub()

    /// What pools are made of (`dir` pools: host directories, unless another backend is given).
    let backend: any StoragePoolBackend

    init(store: StoragePoolStore, logger: Logger, backend: any StoragePoolBackend = DirPoolBackend()) {
        self.store = store
        self.logger = logger
        self.backend = backend
    }

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
                    try backend.build(def)
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
    func createTransient(xml: String, build: Bool) async throws -> StoragePoolRecord {
        try await changes.run {
            let def = try StoragePoolXML.parse(xml)
            try checkUnique(def)
            if pools[def.uuid] != nil { throw StorageError.poolActive(def.name) }
            if build { try backend.build(def) }
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
        if let other = pools.values.first(where: { $0.definition.targetPath == def.targetPath && $0.uuid != def.uuid })
        {
            throw StorageError.invalid("target path '\(def.targetPath)' is already in use by pool '\(other.name)'")
        }
    }

    func build(_ uuid: DomainUUID) async throws {
        try await changes.run {
            let rec = try record(uuid: uuid)
            if rec.active { throw StorageError.poolActive(rec.name) }
            try backend.build(rec.definition)
            events.lifecycle(rec.wire, .created)
        }
    }

    func start(_ uuid: DomainUUID, build: Bool) async throws {
        try await changes.run {
            let rec = try record(uuid: uuid)
            if rec.active { throw StorageError.poolActive(rec.name) }
            if build { try backend.build(rec.definition) }
            try await activate(uuid)
            events.lifecycle(rec.wire, .started)
        }
    }

    private func activate(_ uuid: DomainUUID) async throws {
        var rec = try record(uuid: uuid)
        rec.volumes = try backend.scan(rec.definition.targetPath)
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
            try backend.remove(rec.definition.targetPath)
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
            rec.volumes = try backend.scan(rec.definition.targetPath)
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
    func info(_ uuid: DomainUUID) throws -> (UInt32, StoragePoolUsage?) {
        let rec = try record(uuid: uuid)
        guard rec.active else { return (0, nil) }
        return (2, backend.usage(rec.definition.targetPath))
    }

    func xml(_ uuid: DomainUUID, inactive: Bool) throws -> String {
        let rec = try record(uuid: uuid)
        var def = rec.definition
        if rec.active && !inactive, let perms = backend.permissions(def.targetPath) { def.permissions = perms }
        let usage = rec.active && !inactive ? backend.usage(def.targetPath) : nil
        return StoragePoolXML.format(def, usage: usage)
    }

    // MARK: volumes

    func volumeNames(pool: String) throws -> [String] { try activeRecord(name: pool).volumes.sorted() }

    func volume(pool: String, name: String) throws -> VolumeRef {
        let rec = try activeRecord(name: pool)
        guard rec.volumes.contains(name) else { throw StorageError.noVolumeNamed(name) }
        return VolumeRef(pool: pool, name: name, path: rec.definition.targetPath + "/" + name)
    }

    /// A volume by its key, which for file volumes is its path.
    func volume(path: String, notFound: StorageError) throws -> VolumeRef {
        let normalized = PathText.standardized(path)
        let dir = PathText.directory(of: normalized)
        let name = PathText.name(of: normalized)
        guard let rec = pools.values.first(where: { $0.active && $0.definition.targetPath == dir }),
            rec.volumes.contains(name)
        else { throw notFound }
        return VolumeRef(pool: rec.name, name: name, path: normalized)
    }

    /// Reserves a new volume's name: it must be free in the pool and on disk.
    func reserveNew(pool: String, name: String) throws -> VolumeRef {
        let rec = try activeRecord(name: pool)
        try requireFileVolumes()
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
    private func requireFileVolumes() throws {
        guard backend.volumesAreFiles else {
            throw VirtError(
                .noSupport, domain: .storage,
                detail: "the volumes of this pool are not files")
        }
    }

    /// Marks an existing volume busy for a transfer, resize or wipe.
    func claim(_ ref: VolumeRef) throws {
        try requireFileVolumes()
        if busy.contains(ref.path) { throw StorageError.volumeBusy(ref.name) }
        busy.insert(ref.path)
    }

    func release(_ ref: VolumeRef) { busy.remove(ref.path) }

    func deleteVolume(_ ref: VolumeRef) async throws {
        if busy.contains(ref.path) { throw StorageError.volumeBusy(ref.name) }
        // Unlinking a large image frees every extent it has, which can take long: on the blocking executor,
        // with the volume claimed meanwhile.
        busy.insert(ref.path)
        defer { busy.remove(ref.path) }
        try await BlockingIO.run {
            if unlink(ref.path) != 0 && errno != ENOENT {
                throw StorageError.io("cannot unlink file '\(ref.path)': \(String(cString: strerror(errno)))")
            }
        }
        if let rec = pools.values.first(where: { $0.name == ref.pool }) { pools[rec.uuid]?.volumes.remove(ref.name) }
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
