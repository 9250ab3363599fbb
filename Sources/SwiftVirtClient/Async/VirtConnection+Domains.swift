import SwiftVirtWire

/// Typed calls for the connection and domain procedures, named after libvirt's C API where one maps directly.
extension VirtConnection {
    // MARK: Host

    /// CONNECT_GET_HOSTNAME.
    public func hostname() async throws(VirtClientError) -> String {
        try await call(Remote.ConnectGetHostname.self).hostname
    }

    /// CONNECT_GET_URI: the URI the daemon says this connection is for (e.g. `qemu:///system`).
    public func canonicalURI() async throws(VirtClientError) -> String {
        try await call(Remote.ConnectGetURI.self).uri
    }

    /// CONNECT_GET_TYPE: the driver name, e.g. "QEMU".
    public func hypervisorType() async throws(VirtClientError) -> String {
        try await call(Remote.ConnectGetType.self).type
    }

    /// CONNECT_GET_VERSION: the hypervisor version as major·1e6 + minor·1e3 + micro.
    public func hypervisorVersion() async throws(VirtClientError) -> UInt64 {
        try await call(Remote.ConnectGetVersion.self).hvVer
    }

    /// CONNECT_GET_LIB_VERSION: the daemon's libvirt version as major·1e6 + minor·1e3 + micro.
    public func libraryVersion() async throws(VirtClientError) -> UInt64 {
        try await call(Remote.ConnectGetLibVersion.self).libVer
    }

    /// CONNECT_GET_CAPABILITIES: the host capabilities XML.
    public func capabilities() async throws(VirtClientError) -> String {
        try await call(Remote.ConnectGetCapabilities.self).capabilities
    }

    /// CONNECT_GET_DOMAIN_CAPABILITIES for the given emulator/arch/machine/virttype (nil = daemon's default).
    public func domainCapabilities(
        emulator: String? = nil, arch: String? = nil, machine: String? = nil, virtType: String? = nil
    ) async throws(VirtClientError) -> String {
        try await call(Remote.ConnectGetDomainCapabilities.self,
            ConnectGetDomainCapabilitiesArgs(
                emulatorbin: emulator, arch: arch, machine: machine, virttype: virtType, flags: 0)
        ).capabilities
    }

    /// NODE_GET_INFO.
    public func nodeInfo() async throws(VirtClientError) -> NodeGetInfoRet {
        try await call(Remote.NodeGetInfo.self)
    }

    // MARK: Domains

    /// CONNECT_LIST_ALL_DOMAINS; `flags` 1 active, 2 inactive, 0 or 3 both.
    public func listAllDomains(flags: UInt32 = 0) async throws(VirtClientError) -> [RemoteNonnullDomain] {
        try await call(Remote.ConnectListAllDomains.self, ConnectListAllDomainsArgs(needResults: 1, flags: flags)
        ).domains
    }

    /// Resolves a virsh-style domain argument: a number is tried as an id, a UUID-shaped string as a uuid,
    /// then the text as a name, whose error is the one thrown (code 42, "Domain not found").
    public func lookupDomain(_ key: String) async throws(VirtClientError) -> RemoteNonnullDomain {
        if let id = Int32(key), id >= 0,
            let found = try? await call(Remote.DomainLookupByID.self, DomainLookupByIdArgs(id: id))
        {
            return found.dom
        }
        if let uuid = DomainUUID.parse(key),
            let found = try? await call(Remote.DomainLookupByUUID.self, DomainLookupByUuidArgs(uuid: uuid))
        {
            return found.dom
        }
        return try await call(Remote.DomainLookupByName.self, DomainLookupByNameArgs(name: key))
            .dom
    }

    /// DOMAIN_LOOKUP_BY_UUID: the domain as the daemon sees it now (its current id).
    public func refresh(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> RemoteNonnullDomain {
        try await call(Remote.DomainLookupByUUID.self, DomainLookupByUuidArgs(uuid: domain.uuid))
            .dom
    }

    /// DOMAIN_DEFINE_XML: defines (or updates) a persistent domain.
    public func defineDomain(xml: String) async throws(VirtClientError) -> RemoteNonnullDomain {
        try await call(Remote.DomainDefineXML.self, DomainDefineXmlArgs(xml: xml)).dom
    }

    /// DOMAIN_DEFINE_XML_FLAGS: as ``defineDomain(xml:)``; `flags` 1 (VIR_DOMAIN_DEFINE_VALIDATE) has the daemon
    /// validate the XML against libvirt's schema first.
    public func defineDomain(xml: String, flags: UInt32) async throws(VirtClientError) -> RemoteNonnullDomain {
        try await call(Remote.DomainDefineXMLFlags.self, DomainDefineXmlFlagsArgs(xml: xml, flags: flags)
        ).dom
    }

    /// DOMAIN_CREATE_XML: starts a transient domain; `flags` 1 starts it paused.
    public func createDomain(xml: String, flags: UInt32 = 0) async throws(VirtClientError) -> RemoteNonnullDomain {
        try await call(Remote.DomainCreateXML.self, DomainCreateXmlArgs(xmlDesc: xml, flags: flags))
            .dom
    }

    /// DOMAIN_UNDEFINE_FLAGS, falling back to DOMAIN_UNDEFINE on daemons without it.
    public func undefine(_ domain: RemoteNonnullDomain, flags: UInt32 = 0) async throws(VirtClientError) {
        try await undefineWithFallback(domain, flags: flags)
    }

    /// DOMAIN_CREATE: starts a defined domain; returns it with its new id.
    public func start(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> RemoteNonnullDomain {
        try await call(Remote.DomainCreate.self, DomainCreateArgs(dom: domain))
        return try await refresh(domain)
    }

    /// DOMAIN_SHUTDOWN: asks the guest to power off.
    public func shutdown(_ domain: RemoteNonnullDomain) async throws(VirtClientError) {
        try await call(Remote.DomainShutdown.self, DomainShutdownArgs(dom: domain))
    }

    /// DOMAIN_DESTROY: stops the domain at once.
    public func destroy(_ domain: RemoteNonnullDomain) async throws(VirtClientError) {
        try await call(Remote.DomainDestroy.self, DomainDestroyArgs(dom: domain))
    }

    /// DOMAIN_REBOOT.
    public func reboot(_ domain: RemoteNonnullDomain, flags: UInt32 = 0) async throws(VirtClientError) {
        try await call(Remote.DomainReboot.self, DomainRebootArgs(dom: domain, flags: flags))
    }

    /// DOMAIN_RESET: the reset button.
    public func reset(_ domain: RemoteNonnullDomain) async throws(VirtClientError) {
        try await call(Remote.DomainReset.self, DomainResetArgs(dom: domain, flags: 0))
    }

    /// DOMAIN_SUSPEND: pauses the vCPUs.
    public func suspend(_ domain: RemoteNonnullDomain) async throws(VirtClientError) {
        try await call(Remote.DomainSuspend.self, DomainSuspendArgs(dom: domain))
    }

    /// DOMAIN_RESUME.
    public func resume(_ domain: RemoteNonnullDomain) async throws(VirtClientError) {
        try await call(Remote.DomainResume.self, DomainResumeArgs(dom: domain))
    }

    /// DOMAIN_GET_STATE: state (virDomainState) and reason.
    public func state(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> DomainGetStateRet {
        try await call(Remote.DomainGetState.self, DomainGetStateArgs(dom: domain, flags: 0))
    }

    /// DOMAIN_GET_INFO.
    public func info(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> DomainGetInfoRet {
        try await call(Remote.DomainGetInfo.self, DomainGetInfoArgs(dom: domain))
    }

    /// DOMAIN_GET_OS_TYPE, e.g. "hvm".
    public func osType(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> String {
        try await call(Remote.DomainGetOSType.self, DomainGetOsTypeArgs(dom: domain)).type
    }

    /// DOMAIN_GET_XML_DESC; `flags` 1 secure, 2 inactive (persistent definition), 8 migratable.
    public func xmlDescription(_ domain: RemoteNonnullDomain, flags: UInt32 = 0) async throws(VirtClientError)
        -> String
    {
        try await call(Remote.DomainGetXMLDesc.self, DomainGetXmlDescArgs(dom: domain, flags: flags)).xml
    }

    /// DOMAIN_IS_ACTIVE.
    public func isActive(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> Bool {
        try await call(Remote.DomainIsActive.self, DomainIsActiveArgs(dom: domain)).active != 0
    }

    /// DOMAIN_IS_PERSISTENT.
    public func isPersistent(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> Bool {
        try await call(Remote.DomainIsPersistent.self, DomainIsPersistentArgs(dom: domain))
            .persistent != 0
    }

    /// DOMAIN_GET_AUTOSTART.
    public func autostart(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> Bool {
        try await call(Remote.DomainGetAutostart.self, DomainGetAutostartArgs(dom: domain))
            .autostart != 0
    }

    /// DOMAIN_SET_AUTOSTART.
    public func setAutostart(_ domain: RemoteNonnullDomain, _ enabled: Bool) async throws(VirtClientError) {
        try await call(Remote.DomainSetAutostart.self, DomainSetAutostartArgs(dom: domain, autostart: enabled ? 1 : 0))
    }

    /// UNDEFINE_FLAGS, or plain UNDEFINE from a daemon that lacks it when no flag is asked for (as virsh does).
    private func undefineWithFallback(_ domain: RemoteNonnullDomain, flags: UInt32) async throws(VirtClientError) {
        do {
            try await call(Remote.DomainUndefineFlags.self, DomainUndefineFlagsArgs(dom: domain, flags: flags))
        } catch let error where error.libvirtError?.isUnsupported == true && flags == 0 {
            try await call(Remote.DomainUndefine.self, DomainUndefineArgs(dom: domain))
        }
    }
}
