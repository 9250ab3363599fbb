import SwiftVirtWire

/// The flag-taking lifecycle calls and the domain queries beyond state and info.
extension VirtConnection {
    // MARK: Lifecycle with flags

    /// Starts a defined domain as `flags` say; returns it with its new id. Mirrors `virDomainCreateWithFlags`
    /// (DOMAIN_CREATE_WITH_FLAGS), whose reply carries the domain as it now is.
    public func start(_ domain: RemoteNonnullDomain, flags: DomainStartFlags) async throws(VirtClientError)
        -> RemoteNonnullDomain
    {
        try await call(Remote.DomainCreateWithFlags.self, DomainCreateWithFlagsArgs(dom: domain, flags: flags.rawValue)
        ).dom
    }

    /// Stops a running domain, gently with ``DomainDestroyFlags/graceful``. Mirrors `virDomainDestroyFlags`
    /// (DOMAIN_DESTROY_FLAGS).
    public func destroy(_ domain: RemoteNonnullDomain, flags: DomainDestroyFlags) async throws(VirtClientError) {
        try await call(Remote.DomainDestroyFlags.self, DomainDestroyFlagsArgs(dom: domain, flags: flags.rawValue))
    }

    /// Asks the guest to power off by one of `modes` (empty: the daemon's choice); returns once asked, not once
    /// off. Mirrors `virDomainShutdownFlags` (DOMAIN_SHUTDOWN_FLAGS).
    public func shutdown(_ domain: RemoteNonnullDomain, modes: DomainShutdownModes) async throws(VirtClientError) {
        try await call(Remote.DomainShutdownFlags.self, DomainShutdownFlagsArgs(dom: domain, flags: modes.rawValue))
    }

    // MARK: Queries

    /// The daemon's deprecation and tainting messages about the domain (empty `kinds`: all). Mirrors
    /// `virDomainGetMessages` (DOMAIN_GET_MESSAGES).
    public func messages(_ domain: RemoteNonnullDomain, kinds: DomainMessageKinds = []) async throws(VirtClientError)
        -> [String]
    {
        try await call(Remote.DomainGetMessages.self, DomainGetMessagesArgs(dom: domain, flags: kinds.rawValue)
        ).msgs
    }

    /// The domain's security label. Mirrors `virDomainGetSecurityLabel` (DOMAIN_GET_SECURITY_LABEL).
    public func securityLabel(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> DomainSecurityLabel {
        let ret = try await call(Remote.DomainGetSecurityLabel.self, DomainGetSecurityLabelArgs(dom: domain))
        return DomainSecurityLabel(label: String(wireChars: ret.label), enforcing: ret.enforcing != 0)
    }

    /// The host's security driver. Mirrors `virNodeGetSecurityModel` (NODE_GET_SECURITY_MODEL).
    public func nodeSecurityModel() async throws(VirtClientError) -> NodeSecurityModel {
        let ret = try await call(Remote.NodeGetSecurityModel.self)
        return NodeSecurityModel(model: String(wireChars: ret.model), doi: String(wireChars: ret.doi))
    }

    /// The domain's vCPU count selected by `flags`. Mirrors `virDomainGetVcpusFlags` (DOMAIN_GET_VCPUS_FLAGS).
    public func vcpuCount(_ domain: RemoteNonnullDomain, flags: DomainVcpuCountFlags = []) async throws(VirtClientError)
        -> Int
    {
        Int(
            try await call(Remote.DomainGetVcpusFlags.self, DomainGetVcpusFlagsArgs(dom: domain, flags: flags.rawValue)
            ).num)
    }

    /// Whether the domain has a managed save image (`virsh managedsave`) its next start resumes from. Mirrors
    /// `virDomainHasManagedSaveImage` (DOMAIN_HAS_MANAGED_SAVE_IMAGE).
    public func hasManagedSaveImage(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> Bool {
        try await call(Remote.DomainHasManagedSaveImage.self, DomainHasManagedSaveImageArgs(dom: domain, flags: 0)
        ).result != 0
    }

    /// The hypervisor-native configuration `xml` would run as; for QEMU (`format` "qemu-argv") the environment
    /// and command line as one shell line. The domain need not be defined. Mirrors `virConnectDomainXMLToNative`
    /// (CONNECT_DOMAIN_XML_TO_NATIVE).
    public func domainXMLToNative(format: String = "qemu-argv", xml: String) async throws(VirtClientError) -> String {
        try await call(Remote.ConnectDomainXMLToNative.self, ConnectDomainXmlToNativeArgs(nativeFormat: format, domainXml: xml, flags: 0)
        ).nativeConfig
    }

    // MARK: Connection close callback

    /// Asks the daemon to tell this connection when the daemon's own hypervisor connection closes. Mirrors the
    /// wire half of `virConnectRegisterCloseCallback` (CONNECT_REGISTER_CLOSE_CALLBACK): libvirt's C client
    /// sends this call when a program registers a close callback, and the daemon later reports such a closure
    /// with a CONNECT_EVENT_CONNECTION_CLOSED message. Neither swiftvirtd nor libvirtd's QEMU driver ever
    /// closes that inner connection on its own, and the closing of *this* connection is observed locally (calls
    /// fail with ``VirtClientError/connectionClosed``), so the call only matters to programs that want to mirror
    /// the C client exactly.
    public func registerCloseCallback() async throws(VirtClientError) {
        try await call(Remote.ConnectRegisterCloseCallback.self)
    }

    /// Undoes ``registerCloseCallback()``. Mirrors the wire half of `virConnectUnregisterCloseCallback`
    /// (CONNECT_UNREGISTER_CLOSE_CALLBACK).
    public func unregisterCloseCallback() async throws(VirtClientError) {
        try await call(Remote.ConnectUnregisterCloseCallback.self)
    }
}
