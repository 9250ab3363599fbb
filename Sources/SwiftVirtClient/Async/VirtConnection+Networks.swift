import SwiftVirtWire

/// Typed calls for virtual networks (virNetwork*).
extension VirtConnection {
    /// CONNECT_LIST_ALL_NETWORKS; `flags` 1 inactive, 2 active, 0 both (libvirt's LIST_* bits).
    public func listAllNetworks(flags: UInt32 = 0) async throws(VirtClientError) -> [RemoteNonnullNetwork] {
        try await call(Remote.ConnectListAllNetworks.self, ConnectListAllNetworksArgs(needResults: 1, flags: flags)
        ).nets
    }

    /// Resolves a virsh-style network argument: a UUID-shaped string as a uuid, else the text as a name.
    public func lookupNetwork(_ key: String) async throws(VirtClientError) -> RemoteNonnullNetwork {
        if let uuid = DomainUUID.parse(key),
            let found = try? await call(Remote.NetworkLookupByUUID.self, NetworkLookupByUuidArgs(uuid: uuid))
        {
            return found.net
        }
        return try await call(Remote.NetworkLookupByName.self, NetworkLookupByNameArgs(name: key))
            .net
    }

    /// NETWORK_CREATE: starts a defined network.
    public func start(_ net: RemoteNonnullNetwork) async throws(VirtClientError) {
        try await call(Remote.NetworkCreate.self, NetworkCreateArgs(net: net))
    }

    /// NETWORK_DESTROY.
    public func destroy(_ net: RemoteNonnullNetwork) async throws(VirtClientError) {
        try await call(Remote.NetworkDestroy.self, NetworkDestroyArgs(net: net))
    }

    /// NETWORK_IS_ACTIVE.
    public func isActive(_ net: RemoteNonnullNetwork) async throws(VirtClientError) -> Bool {
        try await call(Remote.NetworkIsActive.self, NetworkIsActiveArgs(net: net)).active != 0
    }

    /// NETWORK_IS_PERSISTENT.
    public func isPersistent(_ net: RemoteNonnullNetwork) async throws(VirtClientError) -> Bool {
        try await call(Remote.NetworkIsPersistent.self, NetworkIsPersistentArgs(net: net)).persistent != 0
    }

    /// NETWORK_GET_AUTOSTART.
    public func autostart(_ net: RemoteNonnullNetwork) async throws(VirtClientError) -> Bool {
        try await call(Remote.NetworkGetAutostart.self, NetworkGetAutostartArgs(net: net)).autostart != 0
    }

    /// NETWORK_GET_BRIDGE_NAME.
    public func bridgeName(_ net: RemoteNonnullNetwork) async throws(VirtClientError) -> String {
        try await call(Remote.NetworkGetBridgeName.self, NetworkGetBridgeNameArgs(net: net)).name
    }

    /// NETWORK_GET_XML_DESC (`flags` 1 = inactive definition).
    public func xmlDescription(_ net: RemoteNonnullNetwork, flags: UInt32 = 0) async throws(VirtClientError)
        -> String
    {
        try await call(Remote.NetworkGetXMLDesc.self, NetworkGetXmlDescArgs(net: net, flags: flags)).xml
    }
}
