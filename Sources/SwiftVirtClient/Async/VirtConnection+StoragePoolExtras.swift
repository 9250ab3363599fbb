import SwiftVirtWire

/// How virStoragePoolCreateXML and virStoragePoolCreate prepare a pool's storage first (virStoragePoolCreateFlags).
public struct StoragePoolStartFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Build the pool (for a directory pool: make the directory) before starting it
    /// (VIR_STORAGE_POOL_CREATE_WITH_BUILD).
    public static let build = StoragePoolStartFlags(rawValue: 1)
    /// Build, overwriting what is there (VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE).
    public static let buildOverwrite = StoragePoolStartFlags(rawValue: 2)
    /// Build, refusing to overwrite what is there (VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE).
    public static let buildNoOverwrite = StoragePoolStartFlags(rawValue: 4)
}

/// Pool creation and discovery, pool autostart, and the volume queries that take flags.
extension VirtConnection {
    /// Creates and starts a transient pool (gone once destroyed) from its XML. Mirrors `virStoragePoolCreateXML`
    /// (STORAGE_POOL_CREATE_XML).
    public func createStoragePool(xml: String, flags: StoragePoolStartFlags = []) async throws(VirtClientError)
        -> RemoteNonnullStoragePool
    {
        try await call(Remote.StoragePoolCreateXML.self, StoragePoolCreateXmlArgs(xml: xml, flags: flags.rawValue)
        ).pool
    }

    /// The `<sources>` XML of the pools of `type` (e.g. "logical", "netfs") the host could serve, narrowed by the
    /// optional `<source>` XML `sourceSpec`. Daemons answer VIR_ERR_NO_SUPPORT for types without discovery,
    /// such as "dir". Mirrors `virConnectFindStoragePoolSources` (CONNECT_FIND_STORAGE_POOL_SOURCES).
    public func findStoragePoolSources(type: String, sourceSpec: String? = nil) async throws(VirtClientError)
        -> String
    {
        try await call(Remote.ConnectFindStoragePoolSources.self,
            ConnectFindStoragePoolSourcesArgs(type: type, srcSpec: sourceSpec, flags: 0)
        ).xml
    }

    /// Whether the pool is running. Mirrors `virStoragePoolIsActive` (STORAGE_POOL_IS_ACTIVE).
    public func isActive(_ pool: RemoteNonnullStoragePool) async throws(VirtClientError) -> Bool {
        try await call(Remote.StoragePoolIsActive.self, StoragePoolIsActiveArgs(pool: pool)).active != 0
    }

    /// Removes an inactive pool's storage (for a directory pool: its empty directory); the definition stays.
    /// Mirrors `virStoragePoolDelete` (STORAGE_POOL_DELETE).
    public func deleteStorage(of pool: RemoteNonnullStoragePool) async throws(VirtClientError) {
        try await call(Remote.StoragePoolDelete.self, StoragePoolDeleteArgs(pool: pool, flags: 0))
    }

    /// The pool a volume belongs to. Mirrors `virStoragePoolLookupByVolume` (STORAGE_POOL_LOOKUP_BY_VOLUME).
    public func storagePool(containing vol: RemoteNonnullStorageVol) async throws(VirtClientError)
        -> RemoteNonnullStoragePool
    {
        try await call(Remote.StoragePoolLookupByVolume.self, StoragePoolLookupByVolumeArgs(vol: vol))
            .pool
    }

    /// Whether the daemon starts the (persistent) pool when it starts. Mirrors `virStoragePoolSetAutostart`
    /// (STORAGE_POOL_SET_AUTOSTART).
    public func setAutostart(_ pool: RemoteNonnullStoragePool, _ enabled: Bool) async throws(VirtClientError) {
        try await call(Remote.StoragePoolSetAutostart.self, StoragePoolSetAutostartArgs(pool: pool, autostart: enabled ? 1 : 0))
    }

    /// A volume's type, capacity and allocation; with `physical` (VIR_STORAGE_VOL_GET_PHYSICAL) the third field
    /// is the size the volume takes on its host (a file's length) instead. Mirrors `virStorageVolGetInfoFlags`
    /// (STORAGE_VOL_GET_INFO_FLAGS).
    public func info(_ vol: RemoteNonnullStorageVol, physical: Bool) async throws(VirtClientError)
        -> StorageVolGetInfoFlagsRet
    {
        try await call(Remote.StorageVolGetInfoFlags.self, StorageVolGetInfoFlagsArgs(vol: vol, flags: physical ? 1 : 0))
    }
}
