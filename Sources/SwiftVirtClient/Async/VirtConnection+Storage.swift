import SwiftVirtWire

/// Typed calls for storage pools and volumes (virStoragePool*, virStorageVol*).
extension VirtConnection {
    // MARK: Pools

    /// CONNECT_LIST_ALL_STORAGE_POOLS; `flags` 1 inactive, 2 active, 0 both (libvirt's LIST_* bits).
    public func listAllStoragePools(flags: UInt32 = 0) async throws(VirtClientError) -> [RemoteNonnullStoragePool] {
        try await call(Remote.ConnectListAllStoragePools.self, ConnectListAllStoragePoolsArgs(needResults: 1, flags: flags)
        ).pools
    }

    /// Resolves a virsh-style pool argument: a UUID-shaped string as a uuid, else the text as a name.
    public func lookupStoragePool(_ key: String) async throws(VirtClientError) -> RemoteNonnullStoragePool {
        if let uuid = DomainUUID.parse(key),
            let found = try? await call(Remote.StoragePoolLookupByUUID.self, StoragePoolLookupByUuidArgs(uuid: uuid))
        {
            return found.pool
        }
        return try await call(Remote.StoragePoolLookupByName.self, StoragePoolLookupByNameArgs(name: key)
        ).pool
    }

    /// STORAGE_POOL_DEFINE_XML.
    public func defineStoragePool(xml: String) async throws(VirtClientError) -> RemoteNonnullStoragePool {
        try await call(Remote.StoragePoolDefineXML.self, StoragePoolDefineXmlArgs(xml: xml, flags: 0)
        ).pool
    }

    /// STORAGE_POOL_CREATE: starts a defined pool.
    public func start(_ pool: RemoteNonnullStoragePool, flags: UInt32 = 0) async throws(VirtClientError) {
        try await call(Remote.StoragePoolCreate.self, StoragePoolCreateArgs(pool: pool, flags: flags))
    }

    /// STORAGE_POOL_BUILD: makes the pool's directory.
    public func build(_ pool: RemoteNonnullStoragePool, flags: UInt32 = 0) async throws(VirtClientError) {
        try await call(Remote.StoragePoolBuild.self, StoragePoolBuildArgs(pool: pool, flags: flags))
    }

    /// STORAGE_POOL_DESTROY: stops the pool (its volumes stay on disk).
    public func destroy(_ pool: RemoteNonnullStoragePool) async throws(VirtClientError) {
        try await call(Remote.StoragePoolDestroy.self, StoragePoolDestroyArgs(pool: pool))
    }

    /// STORAGE_POOL_UNDEFINE.
    public func undefine(_ pool: RemoteNonnullStoragePool) async throws(VirtClientError) {
        try await call(Remote.StoragePoolUndefine.self, StoragePoolUndefineArgs(pool: pool))
    }

    /// STORAGE_POOL_GET_INFO: state (0 inactive, 1 building, 2 running, 3 degraded, 4 inaccessible) and sizes.
    public func info(_ pool: RemoteNonnullStoragePool) async throws(VirtClientError) -> StoragePoolGetInfoRet {
        try await call(Remote.StoragePoolGetInfo.self, StoragePoolGetInfoArgs(pool: pool))
    }

    /// STORAGE_POOL_IS_PERSISTENT.
    public func isPersistent(_ pool: RemoteNonnullStoragePool) async throws(VirtClientError) -> Bool {
        try await call(Remote.StoragePoolIsPersistent.self, StoragePoolIsPersistentArgs(pool: pool)).persistent
            != 0
    }

    /// STORAGE_POOL_GET_AUTOSTART.
    public func autostart(_ pool: RemoteNonnullStoragePool) async throws(VirtClientError) -> Bool {
        try await call(Remote.StoragePoolGetAutostart.self, StoragePoolGetAutostartArgs(pool: pool)).autostart
            != 0
    }

    /// STORAGE_POOL_GET_XML_DESC.
    public func xmlDescription(_ pool: RemoteNonnullStoragePool, flags: UInt32 = 0) async throws(VirtClientError)
        -> String
    {
        try await call(Remote.StoragePoolGetXMLDesc.self, StoragePoolGetXmlDescArgs(pool: pool, flags: flags)
        ).xml
    }

    // MARK: Volumes

    /// STORAGE_POOL_LIST_ALL_VOLUMES.
    public func listAllVolumes(_ pool: RemoteNonnullStoragePool) async throws(VirtClientError)
        -> [RemoteNonnullStorageVol]
    {
        try await call(Remote.StoragePoolListAllVolumes.self, StoragePoolListAllVolumesArgs(pool: pool, needResults: 1, flags: 0)
        ).vols
    }

    /// Resolves a virsh-style volume argument: with a pool, a name in it; without, a path, then a key.
    public func lookupVolume(_ key: String, pool: String? = nil) async throws(VirtClientError)
        -> RemoteNonnullStorageVol
    {
        if let pool {
            let owner = try await lookupStoragePool(pool)
            return try await call(Remote.StorageVolLookupByName.self, StorageVolLookupByNameArgs(pool: owner, name: key)
            ).vol
        }
        if let found = try? await call(Remote.StorageVolLookupByPath.self, StorageVolLookupByPathArgs(path: key))
        {
            return found.vol
        }
        return try await call(Remote.StorageVolLookupByKey.self, StorageVolLookupByKeyArgs(key: key)
        ).vol
    }

    /// STORAGE_VOL_CREATE_XML.
    public func createVolume(in pool: RemoteNonnullStoragePool, xml: String, flags: UInt32 = 0)
        async throws(VirtClientError) -> RemoteNonnullStorageVol
    {
        try await call(Remote.StorageVolCreateXML.self, StorageVolCreateXmlArgs(pool: pool, xml: xml, flags: flags)
        ).vol
    }

    /// STORAGE_VOL_DELETE.
    public func delete(_ vol: RemoteNonnullStorageVol, flags: UInt32 = 0) async throws(VirtClientError) {
        try await call(Remote.StorageVolDelete.self, StorageVolDeleteArgs(vol: vol, flags: flags))
    }

    /// STORAGE_VOL_GET_INFO: type (0 file, 1 block, 2 dir, 3 network, 4 netdir, 5 ploop), capacity, allocation.
    public func info(_ vol: RemoteNonnullStorageVol) async throws(VirtClientError) -> StorageVolGetInfoRet {
        try await call(Remote.StorageVolGetInfo.self, StorageVolGetInfoArgs(vol: vol))
    }

    /// STORAGE_VOL_GET_PATH.
    public func path(_ vol: RemoteNonnullStorageVol) async throws(VirtClientError) -> String {
        try await call(Remote.StorageVolGetPath.self, StorageVolGetPathArgs(vol: vol)).name
    }

    /// STORAGE_VOL_GET_XML_DESC.
    public func xmlDescription(_ vol: RemoteNonnullStorageVol) async throws(VirtClientError) -> String {
        try await call(Remote.StorageVolGetXMLDesc.self, StorageVolGetXmlDescArgs(vol: vol, flags: 0))
            .xml
    }

    /// STORAGE_VOL_UPLOAD: returns a stream to ``VirtStream/write(_:)`` the bytes into, then
    /// ``VirtStream/finishAndWait()``. `length` 0 means "up to what is sent".
    public func openUpload(_ vol: RemoteNonnullStorageVol, offset: UInt64 = 0, length: UInt64 = 0)
        async throws(VirtClientError) -> VirtStream
    {
        try await openStream(
            .storageVolUpload, StorageVolUploadArgs(vol: vol, offset: offset, length: length, flags: 0))
    }

    /// STORAGE_VOL_DOWNLOAD: the volume's bytes arrive on ``VirtStream/incoming``, which ends after the last.
    /// `length` 0 means to the end of the volume. With `sparse` (VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM) the
    /// daemon skips runs of zeros, which arrive as ``VirtStreamChunk/hole(_:)`` on ``VirtStream/chunks``.
    public func openDownload(
        _ vol: RemoteNonnullStorageVol, offset: UInt64 = 0, length: UInt64 = 0, sparse: Bool = false
    ) async throws(VirtClientError) -> VirtStream {
        try await openStream(
            .storageVolDownload,
            StorageVolDownloadArgs(vol: vol, offset: offset, length: length, flags: sparse ? 1 : 0))
    }
}
