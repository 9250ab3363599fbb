import SwiftVirtWire

/// The pre-0.10 counting and listing calls (ids and names rather than handles), kept by libvirt for old clients and
/// still served by every daemon. ``VirtConnection/listAllDomains(flags:)`` and
/// ``VirtConnection/listAllStoragePools(flags:)`` are the modern, race-free equivalents.
extension VirtConnection {
    // MARK: Domains

    /// The number of running domains. Mirrors `virConnectNumOfDomains` (CONNECT_NUM_OF_DOMAINS).
    public func numberOfActiveDomains() async throws(VirtClientError) -> Int {
        Int(try await call(Remote.ConnectNumOfDomains.self).num)
    }

    /// The ids of up to `max` running domains. Mirrors `virConnectListDomains` (CONNECT_LIST_DOMAINS).
    public func activeDomainIDs(max: Int32 = 16384) async throws(VirtClientError) -> [Int32] {
        try await call(Remote.ConnectListDomains.self, ConnectListDomainsArgs(maxids: max))
            .ids
    }

    /// The number of defined domains that are not running. Mirrors `virConnectNumOfDefinedDomains`
    /// (CONNECT_NUM_OF_DEFINED_DOMAINS).
    public func numberOfDefinedDomains() async throws(VirtClientError) -> Int {
        Int(try await call(Remote.ConnectNumOfDefinedDomains.self).num)
    }

    /// The names of up to `max` defined domains that are not running. Mirrors `virConnectListDefinedDomains`
    /// (CONNECT_LIST_DEFINED_DOMAINS).
    public func definedDomainNames(max: Int32 = 16384) async throws(VirtClientError) -> [String] {
        try await call(Remote.ConnectListDefinedDomains.self, ConnectListDefinedDomainsArgs(maxnames: max)).names
    }

    // MARK: Storage pools

    /// The number of active storage pools. Mirrors `virConnectNumOfStoragePools` (CONNECT_NUM_OF_STORAGE_POOLS).
    public func numberOfActiveStoragePools() async throws(VirtClientError) -> Int {
        Int(try await call(Remote.ConnectNumOfStoragePools.self).num)
    }

    /// The names of up to `max` active storage pools. Mirrors `virConnectListStoragePools`
    /// (CONNECT_LIST_STORAGE_POOLS).
    public func activeStoragePoolNames(max: Int32 = 16384) async throws(VirtClientError) -> [String] {
        try await call(Remote.ConnectListStoragePools.self, ConnectListStoragePoolsArgs(maxnames: max)).names
    }

    /// The number of inactive persistent storage pools. Mirrors `virConnectNumOfDefinedStoragePools`
    /// (CONNECT_NUM_OF_DEFINED_STORAGE_POOLS).
    public func numberOfDefinedStoragePools() async throws(VirtClientError) -> Int {
        Int(try await call(Remote.ConnectNumOfDefinedStoragePools.self).num)
    }

    /// The names of up to `max` inactive persistent storage pools. Mirrors `virConnectListDefinedStoragePools`
    /// (CONNECT_LIST_DEFINED_STORAGE_POOLS).
    public func definedStoragePoolNames(max: Int32 = 16384) async throws(VirtClientError) -> [String] {
        try await call(Remote.ConnectListDefinedStoragePools.self, ConnectListDefinedStoragePoolsArgs(maxnames: max)).names
    }

    // MARK: Volumes

    /// The number of volumes in an active pool. Mirrors `virStoragePoolNumOfVolumes`
    /// (STORAGE_POOL_NUM_OF_VOLUMES).
    public func numberOfVolumes(in pool: RemoteNonnullStoragePool) async throws(VirtClientError) -> Int {
        Int(try await call(Remote.StoragePoolNumOfVolumes.self, StoragePoolNumOfVolumesArgs(pool: pool)).num)
    }

    /// The names of up to `max` volumes of an active pool. Mirrors `virStoragePoolListVolumes`
    /// (STORAGE_POOL_LIST_VOLUMES).
    public func volumeNames(in pool: RemoteNonnullStoragePool, max: Int32 = 16384) async throws(VirtClientError)
        -> [String]
    {
        try await call(Remote.StoragePoolListVolumes.self, StoragePoolListVolumesArgs(pool: pool, maxnames: max)
        ).names
    }
}
