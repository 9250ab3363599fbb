import SwiftVirtWire

/// Typed calls for the connection and domain procedures, named after libvirt's C API where one maps directly.
extension VirtConnection {
    // MARK: Host

    /// CONNECT_GET_HOSTNAME.
    public func hostname() async throws(VirtClientError) -> String {
        try await call(.connectGetHostname, returning: ConnectGetHostnameRet.self).hostname
    }

    /// CONNECT_GET_URI: the URI the daemon says this connection is for (e.g. `qemu:///system`).
    public func canonicalURI() async throws(VirtClientError) -> String {
        try await call(.connectGetUri, returning: ConnectGetUriRet.self).uri
    }

    /// CONNECT_GET_TYPE: the driver name, e.g. "QEMU".
    public func hypervisorType() async throws(VirtClientError) -> String {
        try await call(.connectGetType, returning: ConnectGetTypeRet.self).type
    }

    /// CONNECT_GET_VERSION: the hypervisor version as major·1e6 + minor·1e3 + micro.
    public func hypervisorVersion() async throws(VirtClientError) -> UInt64 {
        try await call(.connectGetVersion, returning: ConnectGetVersionRet.self).hvVer
    }

    /// CONNECT_GET_LIB_VERSION: the daemon's libvirt version as major·1e6 + minor·1e3 + micro.
    public func libraryVersion() async throws(VirtClientError) -> UInt64 {
        try await call(.connectGetLibVersion, returning: ConnectGetLibVersionRet.self).libVer
    }

    /// CONNECT_GET_CAPABILITIES: the host capabilities XML.
    public func capabilities() async throws(VirtClientError) -> String {
        try await call(.connectGetCapabilities, returning: ConnectGetCapabilitiesRet.self).capabilities
    }

    /// CONNECT_GET_DOMAIN_CAPABILITIES for the given emulator/arch/machine/virttype (nil = daemon's default).
    public func domainCapabilities(
        emulator: String? = nil, arch: String? = nil, machine: String? = nil, virtType: String? = nil
    ) async throws(VirtClientError) -> String {
        try await call(
            .connectGetDomainCapabilities,
            ConnectGetDomainCapabilitiesArgs(
                emulatorbin: emulator, arch: arch, machine: machine, virttype: virtType, flags: 0),
            returning: ConnectGetDomainCapabilitiesRet.self
        ).capabilities
    }

    /// NODE_GET_INFO.
    public func nodeInfo() async throws(VirtClientError) -> NodeGetInfoRet {
        try await call(.nodeGetInfo, returning: NodeGetInfoRet.self)
    }

    // MARK: Domains

    /// CONNECT_LIST_ALL_DOMAINS; `flags` 1 active, 2 inactive, 0 or 3 both.
    public func listAllDomains(flags: UInt32 = 0) async throws(VirtClientError) -> [RemoteNonnullDomain] {
        try await call(
            .connectListAllDomains, ConnectListAllDomainsArgs(needResults: 1, flags: flags),
            returning: ConnectListAllDomainsRet.self
        ).domains
    }

    /// Resolves a virsh-style domain argument: a number is tried as an id, a UUID-shaped string as a uuid,
    /// then the text as a name, whose error is the one thrown (code 42, "Domain not found").
    public func lookupDomain(_ key: String) async throws(VirtClientError) -> RemoteNonnullDomain {
        if let id = Int32(key), id >= 0,
            let found = try? await call(.domainLookupById, DomainLookupByIdArgs(id: id), returning: DomainPayload.self)
        {
            return found.dom
        }
        if let uuid = DomainUUID.parse(key),
            let found = try? await call(
                .domainLookupByUuid, DomainLookupByUuidArgs(uuid: uuid), returning: DomainPayload.self)
        {
            return found.dom
        }
        return try await call(.domainLookupByName, DomainLookupByNameArgs(name: key), returning: DomainPayload.self)
            .dom
    }

    /// DOMAIN_LOOKUP_BY_UUID: the domain as the daemon sees it now (its current id).
    public func refresh(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> RemoteNonnullDomain {
        try await call(.domainLookupByUuid, DomainLookupByUuidArgs(uuid: domain.uuid), returning: DomainPayload.self)
            .dom
    }

    /// DOMAIN_DEFINE_XML: defines (or updates) a persistent domain.
    public func defineDomain(xml: String) async throws(VirtClientError) -> RemoteNonnullDomain {
        try await call(.domainDefineXml, DomainDefineXmlArgs(xml: xml), returning: DomainPayload.self).dom
    }

    /// DOMAIN_DEFINE_XML_FLAGS: as ``defineDomain(xml:)``; `flags` 1 (VIR_DOMAIN_DEFINE_VALIDATE) has the daemon
    /// validate the XML against libvirt's schema first.
    public func defineDomain(xml: String, flags: UInt32) async throws(VirtClientError) -> RemoteNonnullDomain {
        try await call(
            .domainDefineXmlFlags, DomainDefineXmlFlagsArgs(xml: xml, flags: flags), returning: DomainPayload.self
        ).dom
    }

    /// DOMAIN_CREATE_XML: starts a transient domain; `flags` 1 starts it paused.
    public func createDomain(xml: String, flags: UInt32 = 0) async throws(VirtClientError) -> RemoteNonnullDomain {
        try await call(.domainCreateXml, DomainCreateXmlArgs(xmlDesc: xml, flags: flags), returning: DomainPayload.self)
            .dom
    }

    /// DOMAIN_UNDEFINE_FLAGS, falling back to DOMAIN_UNDEFINE on daemons without it.
    public func undefine(_ domain: RemoteNonnullDomain, flags: UInt32 = 0) async throws(VirtClientError) {
        try await callWithFallback(.domainUndefineFlags, flags: flags, fallback: .domainUndefine, domain)
    }

    /// DOMAIN_CREATE: starts a defined domain; returns it with its new id.
    public func start(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> RemoteNonnullDomain {
        try await call(.domainCreate, DomainPayload(dom: domain))
        return try await refresh(domain)
    }

    /// DOMAIN_SHUTDOWN: asks the guest to power off.
    public func shutdown(_ domain: RemoteNonnullDomain) async throws(VirtClientError) {
        try await call(.domainShutdown, DomainPayload(dom: domain))
    }

    /// DOMAIN_DESTROY: stops the domain at once.
    public func destroy(_ domain: RemoteNonnullDomain) async throws(VirtClientError) {
        try await call(.domainDestroy, DomainPayload(dom: domain))
    }

    /// DOMAIN_REBOOT.
    public func reboot(_ domain: RemoteNonnullDomain, flags: UInt32 = 0) async throws(VirtClientError) {
        try await call(.domainReboot, DomainFlagsArgs(dom: domain, flags: flags))
    }

    /// DOMAIN_RESET: the reset button.
    public func reset(_ domain: RemoteNonnullDomain) async throws(VirtClientError) {
        try await call(.domainReset, DomainFlagsArgs(dom: domain, flags: 0))
    }

    /// DOMAIN_SUSPEND: pauses the vCPUs.
    public func suspend(_ domain: RemoteNonnullDomain) async throws(VirtClientError) {
        try await call(.domainSuspend, DomainPayload(dom: domain))
    }

    /// DOMAIN_RESUME.
    public func resume(_ domain: RemoteNonnullDomain) async throws(VirtClientError) {
        try await call(.domainResume, DomainPayload(dom: domain))
    }

    /// DOMAIN_GET_STATE: state (virDomainState) and reason.
    public func state(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> DomainGetStateRet {
        try await call(.domainGetState, DomainFlagsArgs(dom: domain, flags: 0), returning: DomainGetStateRet.self)
    }

    /// DOMAIN_GET_INFO.
    public func info(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> DomainGetInfoRet {
        try await call(.domainGetInfo, DomainPayload(dom: domain), returning: DomainGetInfoRet.self)
    }

    /// DOMAIN_GET_OS_TYPE, e.g. "hvm".
    public func osType(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> String {
        try await call(.domainGetOsType, DomainPayload(dom: domain), returning: TypeRet.self).type
    }

    /// DOMAIN_GET_XML_DESC; `flags` 1 secure, 2 inactive (persistent definition), 8 migratable.
    public func xmlDescription(_ domain: RemoteNonnullDomain, flags: UInt32 = 0) async throws(VirtClientError)
        -> String
    {
        try await call(.domainGetXmlDesc, DomainFlagsArgs(dom: domain, flags: flags), returning: XmlPayload.self).xml
    }

    /// DOMAIN_IS_ACTIVE.
    public func isActive(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> Bool {
        try await call(.domainIsActive, DomainPayload(dom: domain), returning: DomainIsActiveRet.self).active != 0
    }

    /// DOMAIN_IS_PERSISTENT.
    public func isPersistent(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> Bool {
        try await call(.domainIsPersistent, DomainPayload(dom: domain), returning: DomainIsPersistentRet.self)
            .persistent != 0
    }

    /// DOMAIN_GET_AUTOSTART.
    public func autostart(_ domain: RemoteNonnullDomain) async throws(VirtClientError) -> Bool {
        try await call(.domainGetAutostart, DomainPayload(dom: domain), returning: DomainGetAutostartRet.self)
            .autostart != 0
    }

    /// DOMAIN_SET_AUTOSTART.
    public func setAutostart(_ domain: RemoteNonnullDomain, _ enabled: Bool) async throws(VirtClientError) {
        try await call(.domainSetAutostart, DomainSetAutostartArgs(dom: domain, autostart: enabled ? 1 : 0))
    }

    private func callWithFallback(
        _ procedure: RemoteProcedure, flags: UInt32, fallback: RemoteProcedure, _ domain: RemoteNonnullDomain
    ) async throws(VirtClientError) {
        do {
            try await call(procedure, DomainFlagsArgs(dom: domain, flags: flags))
        } catch let error where error.libvirtError?.isUnsupported == true && flags == 0 {
            try await call(fallback, DomainPayload(dom: domain))
        }
    }
}
