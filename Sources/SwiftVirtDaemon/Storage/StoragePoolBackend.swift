import SwiftVirtCore

/// What a pool's contents are: for `dir` pools, a directory of files (`DirPool`); for libvirt's test driver,
/// nothing on the host at all. Volume operations that work on files (create, clone, upload, wipe, resize) are
/// refused by the registry when `volumesAreFiles` is false. May block: called on the blocking executor or for
/// quick metadata reads.
protocol StoragePoolBackend: Sendable {
    /// Whether volumes are files the daemon may open.
    var volumesAreFiles: Bool { get }
    func build(_ def: StoragePoolDefinition) throws
    func remove(_ path: String) throws
    /// The volume names in the pool's target.
    func scan(_ path: String) throws -> Set<String>
    func usage(_ path: String) -> StoragePoolUsage?
    func permissions(_ path: String) -> StoragePermissions?
}

/// `dir` pools: directories on the host.
struct DirPoolBackend: StoragePoolBackend {
    var volumesAreFiles: Bool { true }
    func build(_ def: StoragePoolDefinition) throws { try DirPool.build(def) }
    func remove(_ path: String) throws { try DirPool.remove(path) }
    func scan(_ path: String) throws -> Set<String> { try DirPool.scan(path) }
    func usage(_ path: String) -> StoragePoolUsage? { DirPool.usage(path) }
    func permissions(_ path: String) -> StoragePermissions? { DirPool.permissions(path) }
}

/// libvirt's test driver's pools: no directory anywhere, no volumes, a fixed size reported.
struct VirtualPoolBackend: StoragePoolBackend {
    let capacity: UInt64
    var volumesAreFiles: Bool { false }
    func build(_ def: StoragePoolDefinition) throws {}
    func remove(_ path: String) throws {}
    func scan(_ path: String) throws -> Set<String> { [] }
    func usage(_ path: String) -> StoragePoolUsage? {
        StoragePoolUsage(capacity: capacity, allocation: 0, available: capacity)
    }
    func permissions(_ path: String) -> StoragePermissions? { nil }
}
