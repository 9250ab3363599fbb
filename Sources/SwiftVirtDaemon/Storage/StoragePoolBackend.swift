import SwiftVirtCore

/// What a pool's contents are, per pool type: a directory of files (`dir`), a mounted filesystem (`fs`,
/// `netfs`), an LVM volume group (`logical`), a partition table (`disk`); for libvirt's test driver, nothing on
/// the host at all; for the types without a backend here, libvirt's "missing backend" refusal. Volume operations
/// that work on files (qemu-img create, clone, upload, wipe, resize) are refused by the registry when
/// `volumesAreFiles` is false; such pools make and remove their volumes themselves.
/// Blocking (mkfs, mount, LVM and parted run to completion): called inside `BlockingIO.run`, except `usage` and
/// `permissions` of file pools, which are quick metadata reads.
protocol StoragePoolBackend: Sendable {
    /// Whether volumes are files the daemon may open.
    var volumesAreFiles: Bool { get }
    /// pool-build; `flags` as virStoragePoolBuildFlags (4 overwrite, 8 no-overwrite).
    func build(_ def: StoragePoolDefinition, flags: UInt32) throws
    /// pool-start: mount, activate, check the device.
    func start(_ def: StoragePoolDefinition) throws
    /// pool-destroy: unmount, deactivate.
    func stop(_ def: StoragePoolDefinition) throws
    /// pool-delete.
    func delete(_ def: StoragePoolDefinition) throws
    /// The volume names in the pool.
    func scan(_ def: StoragePoolDefinition) throws -> Set<String>
    func usage(_ def: StoragePoolDefinition) -> StoragePoolUsage?
    func permissions(_ def: StoragePoolDefinition) -> StoragePermissions?
    /// The pool definition as a live pool-dumpxml shows it (a disk pool's free extents).
    func live(_ def: StoragePoolDefinition) -> StoragePoolDefinition
    /// The path of volume `name`.
    func volumePath(_ def: StoragePoolDefinition, _ name: String) -> String
    /// Volumes that are not files: made, removed and described by the backend.
    func createVolume(_ def: StoragePoolDefinition, _ volume: StorageVolumeDefinition) throws
    func deleteVolume(_ def: StoragePoolDefinition, _ name: String) throws
    func describeVolume(_ def: StoragePoolDefinition, _ name: String) throws -> StorageVolumeDefinition
}

extension StoragePoolBackend {
    func live(_ def: StoragePoolDefinition) -> StoragePoolDefinition { def }
    func volumePath(_ def: StoragePoolDefinition, _ name: String) -> String { def.targetPath + "/" + name }
    func createVolume(_ def: StoragePoolDefinition, _ volume: StorageVolumeDefinition) throws {
        throw VirtError(.noSupport, domain: .storage, detail: "storage pool does not support volume creation")
    }
    func deleteVolume(_ def: StoragePoolDefinition, _ name: String) throws {
        throw VirtError(.noSupport, domain: .storage, detail: "storage pool does not support vol deletion")
    }
    func describeVolume(_ def: StoragePoolDefinition, _ name: String) throws -> StorageVolumeDefinition {
        throw VirtError(.noSupport, domain: .storage, detail: "storage pool does not support volume description")
    }
}

/// Picks the backend of each pool from its type.
struct StorageBackends: Sendable {
    let backend: @Sendable (StoragePoolDefinition.PoolType) -> any StoragePoolBackend

    /// The host's backends: dir, fs, netfs, logical, disk; every other type fails as libvirt without its module.
    static let host = StorageBackends { type in
        switch type {
        case .dir: return DirPoolBackend()
        case .fs, .netfs: return FileSystemPoolBackend()
        case .logical: return LogicalPoolBackend()
        case .disk: return DiskPoolBackend()
        default: return MissingPoolBackend(type: type)
        }
    }

    /// One backend for every type (libvirt's test driver).
    static func all(_ backend: any StoragePoolBackend) -> StorageBackends { StorageBackends { _ in backend } }

    func callAsFunction(_ def: StoragePoolDefinition) -> any StoragePoolBackend { backend(def.type) }
}

/// `dir` pools: directories on the host.
struct DirPoolBackend: StoragePoolBackend {
    var volumesAreFiles: Bool { true }
    func build(_ def: StoragePoolDefinition, flags: UInt32) throws { try DirPool.build(def) }
    func start(_ def: StoragePoolDefinition) throws {}
    func stop(_ def: StoragePoolDefinition) throws {}
    func delete(_ def: StoragePoolDefinition) throws { try DirPool.remove(def.targetPath) }
    func scan(_ def: StoragePoolDefinition) throws -> Set<String> { try DirPool.scan(def.targetPath) }
    func usage(_ def: StoragePoolDefinition) -> StoragePoolUsage? { DirPool.usage(def.targetPath) }
    func permissions(_ def: StoragePoolDefinition) -> StoragePermissions? { DirPool.permissions(def.targetPath) }
}

/// libvirt's test driver's pools: no directory anywhere, no volumes, a fixed size reported.
struct VirtualPoolBackend: StoragePoolBackend {
    let capacity: UInt64
    var volumesAreFiles: Bool { false }
    func build(_ def: StoragePoolDefinition, flags: UInt32) throws {}
    func start(_ def: StoragePoolDefinition) throws {}
    func stop(_ def: StoragePoolDefinition) throws {}
    func delete(_ def: StoragePoolDefinition) throws {}
    func scan(_ def: StoragePoolDefinition) throws -> Set<String> { [] }
    func usage(_ def: StoragePoolDefinition) -> StoragePoolUsage? {
        StoragePoolUsage(capacity: capacity, allocation: 0, available: capacity)
    }
    func permissions(_ def: StoragePoolDefinition) -> StoragePermissions? { nil }
}

/// The pool types whose backend is not here (iscsi, iscsi-direct, scsi, mpath, rbd, sheepdog, gluster, zfs,
/// vstorage): defined and kept like any other, and refused on every operation that needs the backend with
/// libvirt's words for a missing backend module.
struct MissingPoolBackend: StoragePoolBackend {
    let type: StoragePoolDefinition.PoolType
    var volumesAreFiles: Bool { false }

    var error: VirtError {
        VirtError(
            .internalError, domain: .storage,
            detail: "missing backend for pool type \(type.number) (\(type.rawValue))")
    }

    func build(_ def: StoragePoolDefinition, flags: UInt32) throws { throw error }
    func start(_ def: StoragePoolDefinition) throws { throw error }
    func stop(_ def: StoragePoolDefinition) throws { throw error }
    func delete(_ def: StoragePoolDefinition) throws { throw error }
    func scan(_ def: StoragePoolDefinition) throws -> Set<String> { throw error }
    func usage(_ def: StoragePoolDefinition) -> StoragePoolUsage? { nil }
    func permissions(_ def: StoragePoolDefinition) -> StoragePermissions? { nil }
}
