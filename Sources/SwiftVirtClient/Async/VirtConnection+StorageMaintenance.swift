import SwiftVirtWire

/// Storage calls that change what is on disk beyond create/delete: refresh, copies, resize and wipe.
extension VirtConnection {
    /// STORAGE_POOL_REFRESH: rescans the pool's directory.
    public func refresh(_ pool: RemoteNonnullStoragePool) async throws(VirtClientError) {
        try await call(Remote.StoragePoolRefresh.self, StoragePoolRefreshArgs(pool: pool, flags: 0))
    }

    /// STORAGE_VOL_CREATE_XML_FROM: a new volume in `pool` described by `xml`, filled from `source`.
    public func createVolume(
        in pool: RemoteNonnullStoragePool, xml: String, from source: RemoteNonnullStorageVol, flags: UInt32 = 0
    ) async throws(VirtClientError) -> RemoteNonnullStorageVol {
        try await call(Remote.StorageVolCreateXMLFrom.self,
            StorageVolCreateXmlFromArgs(pool: pool, xml: xml, clonevol: source, flags: flags)
        ).vol
    }

    /// STORAGE_VOL_RESIZE; `flags` as virStorageVolResizeFlags (1 allocate, 2 delta, 4 shrink).
    public func resize(_ vol: RemoteNonnullStorageVol, capacity: UInt64, flags: UInt32 = 0)
        async throws(VirtClientError)
    {
        try await call(Remote.StorageVolResize.self, StorageVolResizeArgs(vol: vol, capacity: capacity, flags: flags))
    }

    /// STORAGE_VOL_WIPE_PATTERN; `algorithm` as virStorageVolWipeAlgorithm (0 zero, 1 nnsa … 8 random, 9 trim).
    public func wipe(_ vol: RemoteNonnullStorageVol, algorithm: UInt32 = 0) async throws(VirtClientError) {
        if algorithm == 0 {
            try await call(Remote.StorageVolWipe.self, StorageVolWipeArgs(vol: vol, flags: 0))
        } else {
            try await call(Remote.StorageVolWipePattern.self, StorageVolWipePatternArgs(vol: vol, algorithm: algorithm, flags: 0))
        }
    }
}
