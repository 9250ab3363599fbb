import SwiftVirtWire

/// Typed calls for virtual networks (virNetwork*).
extension VirtConnection {
    /// CONNECT_LIST_ALL_NETWORKS; `flags` 1 inactive, 2 active, 0 both (libvirt's LIST_* bits).
    public func listAllNetworks(flags: UInt32 = 0) async throws(VirtClientError) -> [RemoteNonnullNetwork] {
        try await call(
            .connectListAllNetworks, ListAllArgs(needResults: 1, flags: flags),
            returning: ConnectListAllNetworksRet.self
        ).nets
    }

    /// Resolves a virsh-style network argument: a UUID-shaped string as a uuid, else the text as a name.
    public func lookupNetwork(_ key: String) async throws(VirtClientError) -> RemoteNonnullNetwork {
        if let uuid = DomainUUID.parse(key),
            let found = try? await call(
                .networkLookupByUuid, NetworkLookupByUuidArgs(uuid: uuid), returning: NetworkPayload.self)
        {
            return found.net
        }
        return try await call(.networkLookupByName, NetworkLookupByNameArgs(name: key), returning: NetworkPayload.self)
            .net
    }

    /// NETWORK_CREATE: starts a defined network.
    public func start(_ net: RemoteNonnullNetwork) async throws(VirtClientError) {
        try await call(.networkCreate, NetworkPayload(net: net))
    }

    /// NETWORK_DESTROY.
    public func destroy(_ net: RemoteNonnullNetwork) async throws(VirtClientError) {
        try await call(.networkDestroy, NetworkPayload(net: net))
    }

    /// NETWORK_IS_ACTIVE.
    public func isActive(_ net: RemoteNonnullNetwork) async throws(VirtClientError) -> Bool {
        try await call(.networkIsActive, NetworkPayload(net: net), returning: ActiveRet.self).active != 0
    }

    /// NETWORK_IS_PERSISTENT.
    public func isPersistent(_ net: RemoteNonnullNetwork) async throws(VirtClientError) -> Bool {
        try await call(.networkIsPersistent, NetworkPayload(net: net), returning: PersistentRet.self).persistent != 0
    }

    /// NETWORK_GET_AUTOSTART.
    public func autostart(_ net: RemoteNonnullNetwork) async throws(VirtClientError) -> Bool {
        try await call(.networkGetAutostart, NetworkPayload(net: net), returning: AutostartRet.self).autostart != 0
    }

    /// NETWORK_GET_BRIDGE_NAME.
    public func bridgeName(_ net: RemoteNonnullNetwork) async throws(VirtClientError) -> String {
        try await call(.networkGetBridgeName, NetworkPayload(net: net), returning: NamePayload.self).name
    }

    /// NETWORK_GET_XML_DESC (`flags` 1 = inactive definition).
    public func xmlDescription(_ net: RemoteNonnullNetwork, flags: UInt32 = 0) async throws(VirtClientError)
        -> String
    {
        try await call(.networkGetXmlDesc, NetworkFlagsArgs(net: net, flags: flags), returning: XmlPayload.self).xml
    }
}
